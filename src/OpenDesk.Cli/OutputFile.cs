namespace OpenDesk.Cli;

/// <summary>Files a command writes for the user (screenshots): checked before any work, written as one clear failure.</summary>
internal static class OutputFile
{
    /// <summary>Fails before connecting when <paramref name="path"/>'s directory does not exist, so no capture is wasted.</summary>
    /// <exception cref="CliException">The directory is missing.</exception>
    public static void EnsureWritableDirectory(string path, string option)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new CliException($"cannot save {option} to {path}: the directory {directory} does not exist. Create it first or choose another path.");
        }

        if (Directory.Exists(path))
        {
            throw new CliException($"cannot save {option} to {path}: it is a directory. Give a file name, e.g. {Path.Combine(path, "screenshot.png")}.");
        }
    }

    /// <exception cref="CliException">The file cannot be written.</exception>
    public static async Task WriteAsync(string path, byte[] data, string option, CancellationToken cancellationToken)
    {
        try
        {
            await File.WriteAllBytesAsync(path, data, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot save {option} to {path}: {ex.Message.TrimEnd('.')}. Choose a path you can write.", inner: ex);
        }
    }
}
