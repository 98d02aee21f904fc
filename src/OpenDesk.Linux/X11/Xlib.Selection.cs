using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>
/// The ICCCM selection protocol (clipboard): owning a selection, converting it, and the events both sides
/// exchange. Constants and event views are nested in <see cref="Selection"/> so they cannot collide with other
/// feature partials that need similarly named property-event pieces.
/// </summary>
internal static unsafe partial class Xlib
{
    [LibraryImport(Library)]
    public static partial nint XCreateSimpleWindow(
        nint display, nint parent, int x, int y, uint width, uint height, uint borderWidth, nuint border, nuint background);

    [LibraryImport(Library)]
    public static partial int XSetSelectionOwner(nint display, nint selection, nint owner, nint time);

    [LibraryImport(Library)]
    public static partial nint XGetSelectionOwner(nint display, nint selection);

    [LibraryImport(Library)]
    public static partial int XConvertSelection(nint display, nint selection, nint target, nint property, nint requestor, nint time);

    [LibraryImport(Library)]
    public static partial int XDeleteProperty(nint display, nint window, nint property);

    /// <summary>The largest request in 4-byte units without the BIG-REQUESTS extension.</summary>
    [LibraryImport(Library)]
    public static partial nint XMaxRequestSize(nint display);

    /// <summary>The largest request in 4-byte units with BIG-REQUESTS, or 0 when the server lacks it.</summary>
    [LibraryImport(Library)]
    public static partial nint XExtendedMaxRequestSize(nint display);

    public static class Selection
    {
        public const int PropertyNotify = 28;
        public const int SelectionClear = 29;
        public const int SelectionRequest = 30;
        public const int SelectionNotify = 31;

        public const nint NoEventMask = 0;
        public const nint PropertyChangeMask = 1 << 22;

        public const int PropertyNewValue = 0;
        public const int PropertyDelete = 1;

        public const int PropModeReplace = 0;
        public const int PropModeAppend = 2;

        /// <summary>Predefined atoms (Xatom.h).</summary>
        public const nint XA_ATOM = 4;
        public const nint XA_INTEGER = 19;
        public const nint XA_STRING = 31;

        [StructLayout(LayoutKind.Sequential)]
        public struct XSelectionRequestEvent
        {
            public int Type;
            public nuint Serial;
            public int SendEvent;
            public nint Display;
            public nint Owner;
            public nint Requestor;
            public nint Selection;
            public nint Target;
            public nint Property;
            public nint Time;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct XSelectionEvent
        {
            public int Type;
            public nuint Serial;
            public int SendEvent;
            public nint Display;
            public nint Requestor;
            public nint Selection;
            public nint Target;
            public nint Property;
            public nint Time;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct XSelectionClearEvent
        {
            public int Type;
            public nuint Serial;
            public int SendEvent;
            public nint Display;
            public nint Window;
            public nint Selection;
            public nint Time;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct XPropertyEvent
        {
            public int Type;
            public nuint Serial;
            public int SendEvent;
            public nint Display;
            public nint Window;
            public nint Atom;
            public nint Time;
            public int State;
        }
    }
}
