using System.Runtime.InteropServices;

namespace OpenDesk.Linux.Processes;

/// <summary>
/// Turns an errno into the exception whose wire error spec §14.2 asks for: a missing file is <c>not_found</c>; every other OS
/// failure, including "Permission denied", is <c>internal</c>, because <c>permission_denied</c> means the
/// approval policy refused, not the file system.
/// </summary>
internal static class OsError
{
    /// <summary>The C library's text for <paramref name="errno"/>, e.g. "No such file or directory".</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary><c>{strerror}: '{path}'</c> with the code the errno maps to.</summary>
    public static OpenDeskException For(int errno, string path) => errno == ProcessInterop.ENOENT
        ? new NotFoundException($"{Describe(errno)}: '{path}'")
        : new OpenDeskException($"{Describe(errno)}: '{path}'");

    /// <summary>The errno of the last failed P/Invoke marked <c>SetLastError</c>, as a wire error about <paramref name="path"/>.</summary>
    public static OpenDeskException Last(string path) => For(Marshal.GetLastPInvokeError(), path);
}
