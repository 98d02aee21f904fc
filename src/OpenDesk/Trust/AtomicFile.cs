using System.Security.Cryptography;

namespace OpenDesk.Trust;

/// <summary>
/// Whole-file writes that readers never see half done: the content goes to a temporary sibling (so the
/// rename stays on one file system), is flushed to disk, then renamed into place.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Owner read/write: the mode of every secret the home directory holds.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/>, replacing any existing file. The new file
    /// has <paramref name="createMode"/> from its creation on, so a secret is never readable by others even
    /// briefly; <c>null</c> means the umask default, and Windows ignores it.
    /// </summary>
    public static void Replace(string path, ReadOnlySpan<byte> content, UnixFileMode? createMode)
    {
        var temp = WriteTemp(path, content, createMode);
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static string WriteTemp(string path, ReadOnlySpan<byte> content, UnixFileMode? createMode)
    {
        var temp = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (createMode is { } mode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temp, options))
        {
            try
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            catch
            {
                stream.Dispose();
                TryDelete(temp);
                throw;
            }
        }

        return temp;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray temp file is harmless, and the caller's own error matters more.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
