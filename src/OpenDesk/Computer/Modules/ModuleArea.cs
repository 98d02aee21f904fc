namespace OpenDesk.Computer.Modules;

/// <summary>
/// A capability area: the module interface serving it and the spec §18 prefix of its capabilities
/// (<c>display</c> for <c>display.capture</c>, …). A module may only list capabilities of the areas it implements.
/// </summary>
internal sealed record ModuleArea(Type Interface, string Name, string CapabilityPrefix)
{
    public static readonly IReadOnlyList<ModuleArea> All =
    [
        new(typeof(IScreenModule), "screen", "display"),
        new(typeof(IInputModule), "input", "input"),
        new(typeof(IInputStreamModule), "input stream", "input"),
        new(typeof(IWindowsModule), "windows", "windows"),
        new(typeof(IClipboardModule), "clipboard", "clipboard"),
        new(typeof(IFilesModule), "files", "fs"),
        new(typeof(IProcessesModule), "processes", "process"),
        new(typeof(IAppsModule), "apps", "app"),
        new(typeof(IAccessibilityModule), "accessibility", "ui"),
        new(typeof(IPowerModule), "power", "power"),
        new(typeof(INotificationsModule), "notifications", "notifications"),
    ];

    public bool Covers(string capability) =>
        capability.Length > CapabilityPrefix.Length
        && capability.StartsWith(CapabilityPrefix, StringComparison.Ordinal)
        && capability[CapabilityPrefix.Length] == '.';
}
