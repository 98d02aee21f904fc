using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>DAMAGE (libXdamage): lets a frame stream sleep until something on screen actually changed.</summary>
internal static unsafe partial class XDamage
{
    private const string Library = "libXdamage.so.1";

    /// <summary>One event per transition from "nothing damaged" to "something damaged"; cheapest to follow.</summary>
    public const int ReportNonEmpty = 3;

    /// <summary>DamageNotify's offset from the extension's event base.</summary>
    public const int Notify = 0;

    [LibraryImport(Library)]
    public static partial int XDamageQueryExtension(nint display, out int eventBase, out int errorBase);

    /// <summary>Must precede any other DAMAGE request: the server rejects requests from clients that never negotiated.</summary>
    [LibraryImport(Library)]
    public static partial int XDamageQueryVersion(nint display, out int major, out int minor);

    [LibraryImport(Library)]
    public static partial nint XDamageCreate(nint display, nint drawable, int level);

    [LibraryImport(Library)]
    public static partial void XDamageDestroy(nint display, nint damage);

    /// <summary>With <c>repair = None</c> empties the damage and copies what it held into <paramref name="parts"/>.</summary>
    [LibraryImport(Library)]
    public static partial void XDamageSubtract(nint display, nint damage, nint repair, nint parts);
}
