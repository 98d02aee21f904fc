using System.Runtime.Versioning;

// The X11 and /proc backend only runs on Linux; callers check OperatingSystem.IsLinux() before using it.
[assembly: SupportedOSPlatform("linux")]
