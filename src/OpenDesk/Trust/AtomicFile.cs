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

    /// <summary>Random bytes in a temporary file's name, written as twice as many lowercase hex digits.</summary>
    private const int TempSuffixBytes = 6;

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

    /// <summary>
    /// Deletes the temporary files a writer of <paramref name="path"/> killed between creating its temporary file
    /// and renaming it left behind (<c>&lt;name&gt;.&lt;12 hex digits&gt;</c>, and nothing else). Only call it while
    /// holding the lock every writer of <paramref name="path"/> takes, so no temporary file seen can belong to a
    /// write still in progress.
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public static int RemoveAbandonedTemps(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        var name = Path.GetFileName(path);
        if (string.IsNullOrEmpty(directory) || name.Length == 0)
        {
            return 0;
        }

        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, name + ".*", new EnumerationOptions { MatchCasing = MatchCasing.CaseSensitive, IgnoreInaccessible = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        var removed = 0;
        try
        {
            foreach (var candidate in candidates)
            {
                if (IsTempName(Path.GetFileName(candidate), name) && TryDelete(candidate))
                {
                    removed++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory went away or became unreadable mid-listing: what was found so far is gone, the rest
            // waits for the next write.
        }

        return removed;
    }

    /// <summary>Whether <paramref name="fileName"/> has the exact form of a temporary file for <paramref name="targetName"/>.</summary>
    private static bool IsTempName(string fileName, string targetName)
    {
        var name = fileName.AsSpan();
        if (name.Length != targetName.Length + 1 + (TempSuffixBytes * 2)
            || !name.StartsWith(targetName, StringComparison.Ordinal)
            || name[targetName.Length] != '.')
        {
            return false;
        }

        foreach (var c in name[(targetName.Length + 1)..])
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static string WriteTemp(string path, ReadOnlySpan<byte> content, UnixFileMode? createMode)
    {
        var temp = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TempSuffixBytes));
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

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            // Best effort: a stray temp file is harmless, and the caller's own error matters more.
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
            return false;
        }
    }
}
