namespace OpenDesk.Computer.Modules;

/// <summary>
/// The file system (capabilities <c>fs.read</c> for reading, listing and stat, <c>fs.write</c> for writing,
/// deleting, moving and creating directories). A missing path is <see cref="FileNotFoundException"/> or
/// <see cref="DirectoryNotFoundException"/> (<c>not_found</c>).
/// </summary>
public interface IFilesModule : IComputerModule
{
    /// <summary><c>fs.read</c>: a whole file.</summary>
    Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken);

    /// <summary><c>fs.write</c>: replaces a file, creating missing parent directories.</summary>
    Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken);

    /// <summary><c>fs.list</c> (<c>fs.read</c>): the entries of a directory.</summary>
    Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken);

    /// <summary><c>fs.stat</c> (<c>fs.read</c>).</summary>
    Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken);

    /// <summary><c>fs.delete</c> (<c>fs.write</c>): removes a file, or a directory recursively.</summary>
    Task DeletePathAsync(string path, CancellationToken cancellationToken);

    /// <summary><c>fs.move</c> (<c>fs.write</c>): renames or moves a file or directory.</summary>
    Task MovePathAsync(string source, string destination, CancellationToken cancellationToken);

    /// <summary><c>fs.mkdir</c> (<c>fs.write</c>): creates a directory, with its parents when <paramref name="parents"/> is true.</summary>
    Task CreateDirectoryAsync(string path, bool parents, CancellationToken cancellationToken);
}
