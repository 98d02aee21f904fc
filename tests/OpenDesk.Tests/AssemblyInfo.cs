using System.Runtime.Versioning;

// The suite exercises Unix sockets, file modes, X11 and real processes; it runs on Linux.
[assembly: SupportedOSPlatform("linux")]
