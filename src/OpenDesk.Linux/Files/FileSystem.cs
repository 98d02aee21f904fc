using System.Runtime.InteropServices;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.Processes;

namespace OpenDesk.Linux.Files;

/// <summary>
/// The <c>fs.*</c> methods. Paths must be absolute or start with <c>~</c> (the server user's home); a relative
/// path is <c>invalid_argument</c>, since the daemon's working directory means nothing to a remote caller.
/// Metadata follows symlinks like Python's os.stat; <see cref="FileEntry.Mode"/> is the full <c>st_mode</c>
/// (file type and permission bits, e.g. 0o100644 for a regular file), so a client can tell a symlink target's
/// type and its permissions apart without a second call. A missing file is <c>not_found</c>; other OS failures,
/// including "Permission denied", are <c>internal</c> with the OS message (spec §14.2: <c>permission_denied</c>
/// is reserved for policy refusals).
/// </summary>
internal sealed class FileSystem : IFilesModule
{
    /// <summary>The largest file fs.read returns: the whole file travels in one message.</summary>
    public const long DefaultReadLimit = 64L * 1024 * 1024;

    private const string TempSuffix = ".opendesk-tmp";

    public FileSystem(long readLimit = DefaultReadLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(readLimit);
        ReadLimit = readLimit;
    }

    public long ReadLimit { get; }

    public IReadOnlyCollection<string> Capabilities { get; } = [OpenDesk.Protocol.Capabilities.FsRead, OpenDesk.Protocol.Capabilities.FsWrite];

    /// <summary><c>fs.read</c>: the whole file. A directory or a file over <see cref="ReadLimit"/> is <c>invalid_argument</c>.</summary>
    public async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Normalize(path);
        var stat = Stat(full, follow: true);
        switch (stat.FileType)
        {
            case FileInterop.S_IFDIR:
                throw new ArgumentException($"Is a directory: '{full}' (use fs.list for directories)");
            case FileInterop.S_IFREG or FileInterop.S_IFCHR or FileInterop.S_IFBLK:
                break;
            default:
                // Reading a FIFO or socket would block until some other process writes to it.
                throw new ArgumentException($"not a regular file: '{full}'");
        }

        if ((long)stat.Size > ReadLimit)
        {
            throw TooLarge(full, $"{stat.Size}");
        }

        try
        {
            await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, useAsync: true);
            using var data = new MemoryStream(checked((int)Math.Min((long)stat.Size, ReadLimit)));
            var buffer = new byte[64 * 1024];
            int read;

            // /proc and device files report size 0 but have content, so the limit is enforced while reading too.
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (data.Length + read > ReadLimit)
                {
                    throw TooLarge(full, $"more than {ReadLimit}");
                }

                data.Write(buffer, 0, read);
            }

            return data.ToArray();
        }
        catch (Exception e) when (IsOsFailure(e))
        {
            throw Translate(e, full);
        }
    }

    /// <summary>
    /// <c>fs.write</c>: replaces the file atomically. The data goes to a temporary file in the same directory,
    /// is flushed to disk and renamed over the target, so a crash leaves the old file or the new one, never a
    /// mix. Missing parent directories are created; an existing file keeps its permission bits (and, when the
    /// server runs as root, its owner); a symlink is written through, replacing its target.
    /// </summary>
    public async Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var full = Normalize(path);
        var target = ResolveSymlink(full);
        var existing = TryStat(target, follow: true, out var stat, out _) ? stat : (FileInterop.Statx?)null;
        if (existing is { IsDirectory: true })
        {
            throw new ArgumentException($"Is a directory: '{full}'");
        }

        var directory = Path.GetDirectoryName(target) ?? "/";
        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            CreateParents(directory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.Asynchronous };
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            if (existing is { } old)
            {
                // Set explicitly: the create mode passes through the umask, which could drop bits the file had.
                if (FileInterop.chmod(temp, old.Mode & 0xFFFu) != 0)
                {
                    throw new OpenDeskException($"cannot write '{full}': setting the mode failed: {OsError.Describe(Marshal.GetLastPInvokeError())}");
                }

                if (Environment.IsPrivilegedProcess)
                {
                    FileInterop.chown(temp, old.Uid, old.Gid);
                }
            }

            if (FileInterop.rename(temp, target) != 0)
            {
                throw new OpenDeskException($"cannot write '{full}': {OsError.Describe(Marshal.GetLastPInvokeError())}");
            }
        }
        catch (Exception e) when (IsOsFailure(e) || e is OpenDeskException or ArgumentException or OperationCanceledException)
        {
            TryDelete(temp);

            // Whatever failed (the parent directories, the temporary file, the rename), the target exists or
            // was to be created, so not_found would mislead: every failure here is the OS refusing the write.
            var prefix = $"cannot write '{full}': ";
            throw e switch
            {
                OperationCanceledException => e,
                OpenDeskException or ArgumentException when e.Message.StartsWith(prefix, StringComparison.Ordinal) => e,
                OpenDeskException or ArgumentException => new OpenDeskException(prefix + e.Message),
                _ => new OpenDeskException(prefix + Reason(e)),
            };
        }
    }

    /// <summary><c>fs.list</c>: the directory's entries sorted by name (ordinal), without <c>.</c> and <c>..</c>.</summary>
    public Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Normalize(path);
        if (!Stat(full, follow: true).IsDirectory)
        {
            throw new ArgumentException($"Not a directory: '{full}'");
        }

        var entries = new List<FileEntry>();
        try
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(full))
            {
                cancellationToken.ThrowIfCancellationRequested();

                // A dangling symlink has no target to describe, so it is described itself; an entry deleted
                // between readdir and stat is left out.
                if (TryStat(child, follow: true, out var stat, out _) || TryStat(child, follow: false, out stat, out _))
                {
                    entries.Add(Entry(child, stat));
                }
            }
        }
        catch (Exception e) when (IsOsFailure(e))
        {
            throw Translate(e, full);
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return Task.FromResult<IReadOnlyList<FileEntry>>(entries);
    }

    /// <summary><c>fs.stat</c>, following symlinks; a dangling symlink is <c>not_found</c>, as with os.stat.</summary>
    public Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Normalize(path);
        return Task.FromResult(Entry(full, Stat(full, follow: true)));
    }

    /// <summary>
    /// <c>fs.delete</c>: a file, a symlink (never its target) or a directory with everything in it. Symlinks
    /// inside a deleted directory are removed, not followed.
    /// </summary>
    public Task DeletePathAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = Normalize(path);
        if (full == "/")
        {
            throw new ArgumentException("refusing to delete the root directory '/'");
        }

        // As rm does: "dir/.." names the parent, and a recursive delete of it is almost certainly a mistake.
        if (Path.GetFileName(full) is "." or "..")
        {
            throw new ArgumentException($"refusing to delete a path ending in '.' or '..': '{full}'; name the directory itself");
        }

        var stat = Stat(full, follow: false);
        try
        {
            if (stat.IsDirectory)
            {
                Directory.Delete(full, recursive: true);
            }
            else
            {
                File.Delete(full);
            }
        }
        catch (Exception e) when (IsOsFailure(e))
        {
            throw Translate(e, full);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// <c>fs.move</c>, with the semantics of <c>mv</c> and Python's shutil.move: when <paramref name="destination"/>
    /// is an existing directory, <paramref name="source"/> moves into it; otherwise it is renamed, replacing an
    /// existing file. Across file systems it is copied (keeping modes and times) and then removed. Missing parent
    /// directories of the destination are not created.
    /// </summary>
    public Task MovePathAsync(string source, string destination, CancellationToken cancellationToken = default)
    {
        var from = Normalize(source);
        var to = Normalize(destination);
        var sourceStat = Stat(from, follow: false);
        if (TryStat(to, follow: true, out var destinationStat, out _) && destinationStat.IsDirectory)
        {
            to = Path.Combine(to, Path.GetFileName(from));
        }

        if (FileInterop.rename(from, to) == 0)
        {
            return Task.CompletedTask;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == FileInterop.ENOENT)
        {
            throw new NotFoundException($"{OsError.Describe(errno)}: '{Path.GetDirectoryName(to)}' (the destination's directory must exist)");
        }

        if (errno != FileInterop.EXDEV)
        {
            throw new OpenDeskException($"{OsError.Describe(errno)}: '{from}' -> '{to}'");
        }

        try
        {
            CopyTree(from, to, sourceStat, cancellationToken);
            if (sourceStat.IsDirectory)
            {
                Directory.Delete(from, recursive: true);
            }
            else
            {
                File.Delete(from);
            }
        }
        catch (Exception e) when (IsOsFailure(e))
        {
            throw Translate(e, from);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// <c>fs.mkdir</c>. An existing directory is fine either way (as with exist_ok); an existing non-directory is
    /// <c>invalid_argument</c>; without <paramref name="parents"/> a missing parent is <c>not_found</c>.
    /// </summary>
    public Task CreateDirectoryAsync(string path, bool parents = true, CancellationToken cancellationToken = default)
    {
        var full = Normalize(path);
        if (TryStat(full, follow: true, out var stat, out _))
        {
            return stat.IsDirectory
                ? Task.CompletedTask
                : throw new ArgumentException($"File exists and is not a directory: '{full}'");
        }

        if (parents)
        {
            CreateParents(full);
        }
        else if (FileInterop.mkdir(full, Convert.ToUInt32("777", 8)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != FileInterop.EEXIST || !Directory.Exists(full))
            {
                throw OsError.For(errno, full);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Expands a leading <c>~</c> to the server user's home and removes trailing slashes; rejects empty and
    /// relative paths and embedded NULs with <c>invalid_argument</c>. No lexical <c>..</c> folding: with
    /// symlinks that can name a different file than the OS would.
    /// </summary>
    public static string Normalize(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ArgumentException("path is empty; give an absolute path or one starting with ~/");
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("path contains a NUL character");
        }

        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            path = home.TrimEnd('/') + path[1..];
        }

        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"path must be absolute or start with ~/, got '{path}'");
        }

        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    private static FileEntry Entry(string path, FileInterop.Statx stat) =>
        new(path, path == "/" ? "/" : Path.GetFileName(path), stat.IsDirectory)
        {
            Size = (long)stat.Size,
            Mtime = stat.MtimeSeconds + (stat.MtimeNanoseconds / 1e9),
            Mode = stat.Mode,
        };

    private static FileInterop.Statx Stat(string path, bool follow) =>
        TryStat(path, follow, out var stat, out var errno) ? stat : throw OsError.For(errno, path);

    private static bool TryStat(string path, bool follow, out FileInterop.Statx stat, out int errno)
    {
        var flags = follow ? 0 : FileInterop.AT_SYMLINK_NOFOLLOW;
        if (FileInterop.statx(FileInterop.AT_FDCWD, path, flags, FileInterop.STATX_BASIC_STATS, out stat) == 0)
        {
            errno = 0;
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        return false;
    }

    /// <summary>The file a write to <paramref name="path"/> really changes: the final target when it is a symlink.</summary>
    private static string ResolveSymlink(string path)
    {
        if (!TryStat(path, follow: false, out var stat, out _) || stat.FileType != FileInterop.S_IFLNK)
        {
            return path;
        }

        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException e)
        {
            throw new OpenDeskException($"cannot resolve the symlink '{path}': {e.Message}");
        }
    }

    private static void CreateParents(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (IsOsFailure(e))
        {
            throw Translate(e, directory);
        }
    }

    /// <summary>Copies a file, symlink or directory tree for a cross-file-system move, keeping modes and mtimes.</summary>
    private static void CopyTree(string from, string to, FileInterop.Statx stat, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (stat.FileType)
        {
            case FileInterop.S_IFLNK:
                File.CreateSymbolicLink(to, File.ResolveLinkTarget(from, returnFinalTarget: false)?.ToString() ?? "");
                return;
            case FileInterop.S_IFDIR:
                Directory.CreateDirectory(to);
                foreach (var child in Directory.EnumerateFileSystemEntries(from))
                {
                    if (TryStat(child, follow: false, out var childStat, out _))
                    {
                        CopyTree(child, Path.Combine(to, Path.GetFileName(child)), childStat, cancellationToken);
                    }
                }

                FileInterop.chmod(to, stat.Mode & 0xFFFu);
                Directory.SetLastWriteTimeUtc(to, DateTime.UnixEpoch.AddSeconds(stat.MtimeSeconds));
                return;
            default:
                File.Copy(from, to, overwrite: true);
                File.SetLastWriteTimeUtc(to, DateTime.UnixEpoch.AddSeconds(stat.MtimeSeconds).AddTicks(stat.MtimeNanoseconds / 100));
                return;
        }
    }

    private ArgumentException TooLarge(string path, string size) =>
        new($"file is {size} bytes; the limit is {ReadLimit}: '{path}'");

    private static bool IsOsFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>
    /// .NET's file exceptions as spec §14.2 wire errors. On Unix a plain IOException's HResult is the errno,
    /// which gives the exact OS text ("Not a directory", "No space left on device").
    /// </summary>
    private static Exception Translate(Exception e, string path) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => OsError.For(FileInterop.ENOENT, path),
        PathTooLongException => new ArgumentException($"{Reason(e)}: '{path}'"),
        _ => new OpenDeskException($"{Reason(e)}: '{path}'"),
    };

    /// <summary>The OS's words for a .NET file exception, without .NET's own path decoration.</summary>
    private static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => OsError.Describe(FileInterop.ENOENT),
        UnauthorizedAccessException => OsError.Describe(FileInterop.EACCES),
        PathTooLongException => OsError.Describe(FileInterop.ENAMETOOLONG),
        IOException { HResult: > 0 and < 4096 } io => OsError.Describe(io.HResult),
        _ => e.Message,
    };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (IsOsFailure(e))
        {
            // Best effort: the temp file is hidden and named so it is recognisable as ours.
        }
    }
}
