using System.Runtime.InteropServices;

namespace OpenDesk.Cli.Mcp;

/// <summary>
/// link(2): gives a file a second name, failing when that name exists. Unlike a rename, it never replaces a file
/// another process put there first (File.Move without overwrite checks, then renames, which two processes can race).
/// </summary>
internal static partial class HardLink
{
    private const int AlreadyExists = 17; // EEXIST on Linux and macOS
    private const int NotPermitted = 1; // EPERM: the file system has no hard links
    private const int NotSupported = 95; // EOPNOTSUPP on Linux

    /// <summary>Makes <paramref name="newPath"/> name the file <paramref name="existing"/> names; false when <paramref name="newPath"/> exists already.</summary>
    /// <exception cref="IOException">The link could not be made for another reason.</exception>
    public static bool TryCreate(string existing, string newPath)
    {
        if (Link(existing, newPath) == 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        switch (error)
        {
            case AlreadyExists:
                return false;
            case NotPermitted or NotSupported:
                // A file system without hard links: a copy still creates the name exclusively, so it never replaces a racer's.
                try
                {
                    File.Copy(existing, newPath, overwrite: false);
                    return true;
                }
                catch (IOException) when (File.Exists(newPath))
                {
                    return false;
                }

            default:
                throw new IOException($"cannot create {newPath}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);
}
