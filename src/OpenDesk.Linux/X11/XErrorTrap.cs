using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>
/// Process-wide X error handling. Xlib's default handlers exit the process on any protocol error (a window
/// that vanished between listing and moving it) and on a lost server. A library must do neither: protocol
/// errors are recorded per display connection so a caller can check after an XSync, and a lost server is
/// reported once through <see cref="ConnectionLost"/> while the process lives on for its host to decide.
/// </summary>
internal static unsafe class XErrorTrap
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<nint, (byte Code, byte Request)> LastErrors = [];
    private static int _installed;
    private static int _lost;

    /// <summary>
    /// Raised once, on the thread whose X request found the connection gone, with the display's name. From then on
    /// every request on a lost connection returns at once without effect.
    /// </summary>
    public static event Action<string>? ConnectionLost;

    /// <summary>
    /// Whether the X server was lost. Xlib keeps a lost connection locked by the thread that found it gone, so any
    /// other thread's request on it would wait forever: callers check this first.
    /// </summary>
    public static bool IsConnectionLost => Volatile.Read(ref _lost) == 1;

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

    /// <summary>
    /// Makes a lost connection to the X server end Xlib's request instead of the process: Xlib calls exit() after
    /// the I/O error handler unless the connection has an exit handler that returns.
    /// </summary>
    public static void SurviveConnectionLoss(nint display) => Xlib.XSetIOErrorExitHandler(display, &OnIOErrorExit, 0);

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
        // Every connection to the server fails on its next request; the host hears about the loss once.
        if (Interlocked.Exchange(ref _lost, 1) == 0)
        {
            try
            {
                ConnectionLost?.Invoke(DisplayNameOf(display));
            }
            catch (Exception)
            {
                // Nothing may escape into native code.
            }
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static void OnIOErrorExit(nint display, nint userData)
    {
        // Returning (instead of exiting) makes the failed request return; Xlib marks the connection dead.
    }

    private static string DisplayNameOf(nint display) =>
        Marshal.PtrToStringUTF8(Xlib.XDisplayString(display)) ?? Environment.GetEnvironmentVariable("DISPLAY") ?? "";
}
