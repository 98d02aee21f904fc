using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>
/// Process-wide X error handling. Xlib's default handlers exit the process on any protocol error (a window
/// that vanished between listing and moving it) and on a lost server; a daemon must survive the first and
/// report the second. Errors are recorded per display connection so a caller can check after an XSync.
/// </summary>
internal static unsafe class XErrorTrap
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<nint, (byte Code, byte Request)> LastErrors = [];
    private static int _installed;

    /// <summary>Raised once when the X server connection is lost; serve ends with a clear message.</summary>
    public static event Action<string>? ConnectionLost;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        Xlib.XInitThreads();
        Xlib.XSetErrorHandler(&OnError);
        Xlib.XSetIOErrorHandler(&OnIOError);
    }

    /// <summary>Forgets any recorded error for <paramref name="display"/> (call before a request you will check).</summary>
    public static void Clear(nint display)
    {
        lock (Gate)
        {
            LastErrors.Remove(display);
        }
    }

    /// <summary>Syncs and returns the X error code raised since <see cref="Clear"/>, or 0.</summary>
    public static int SyncAndTake(nint display)
    {
        Xlib.XSync(display, Xlib.False);
        lock (Gate)
        {
            return LastErrors.Remove(display, out var error) ? error.Code : 0;
        }
    }

    public static string Describe(nint display, int code)
    {
        var buffer = stackalloc byte[256];
        Xlib.XGetErrorText(display, code, buffer, 256);
        return Marshal.PtrToStringUTF8((nint)buffer) ?? $"X error {code}";
    }

    [UnmanagedCallersOnly]
    private static int OnError(nint display, Xlib.XErrorEvent* error)
    {
        lock (Gate)
        {
            LastErrors[display] = (error->ErrorCode, error->RequestCode);
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static int OnIOError(nint display)
    {
        // Xlib exits the process when this handler returns, so report first; serve's host turns this into
        // "lost the X server" on stderr and a non-zero exit.
        try
        {
            ConnectionLost?.Invoke(Environment.GetEnvironmentVariable("DISPLAY") ?? "");
        }
        catch (Exception)
        {
            // Nothing may escape into native code.
        }

        Console.Error.WriteLine($"ERROR: lost the connection to the X server {Environment.GetEnvironmentVariable("DISPLAY")}; opendesk serve is stopping.");
        Console.Error.Flush();
        Environment.Exit(3);
        return 0;
    }
}
