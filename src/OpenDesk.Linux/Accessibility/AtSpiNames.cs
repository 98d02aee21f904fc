namespace OpenDesk.Linux.Accessibility;

/// <summary>Well-known D-Bus names, object paths and interfaces of AT-SPI 2 and the buses it runs on.</summary>
internal static class AtSpiNames
{
    public const string DBusService = "org.freedesktop.DBus";
    public const string DBusPath = "/org/freedesktop/DBus";
    public const string DBusInterface = "org.freedesktop.DBus";
    public const string PropertiesInterface = "org.freedesktop.DBus.Properties";

    /// <summary>The launcher of the accessibility bus, on the session bus.</summary>
    public const string LauncherService = "org.a11y.Bus";
    public const string LauncherPath = "/org/a11y/bus";
    public const string LauncherInterface = "org.a11y.Bus";

    public const string RegistryService = "org.a11y.atspi.Registry";

    /// <summary>The root of every application's tree, and of the registry's desktop.</summary>
    public const string RootPath = "/org/a11y/atspi/accessible/root";
    public const string CachePath = "/org/a11y/atspi/cache";

    /// <summary>What AT-SPI writes for "no object" in a reference.</summary>
    public const string NullPath = "/org/a11y/atspi/null";

    public const string Accessible = "org.a11y.atspi.Accessible";
    public const string Action = "org.a11y.atspi.Action";
    public const string Application = "org.a11y.atspi.Application";
    public const string Cache = "org.a11y.atspi.Cache";
    public const string Component = "org.a11y.atspi.Component";
    public const string EditableText = "org.a11y.atspi.EditableText";
    public const string Text = "org.a11y.atspi.Text";
    public const string Value = "org.a11y.atspi.Value";

    /// <summary>Component and extents coordinates relative to the whole screen (ATSPI_COORD_TYPE_SCREEN).</summary>
    public const uint ScreenCoordinates = 0;

    /// <summary>The flag of an interface name that <see cref="AtSpiInterfaces"/> tracks; None for the others.</summary>
    public static AtSpiInterfaces InterfaceFlag(string name) => name switch
    {
        Action => AtSpiInterfaces.Action,
        Component => AtSpiInterfaces.Component,
        EditableText => AtSpiInterfaces.EditableText,
        Text => AtSpiInterfaces.Text,
        Value => AtSpiInterfaces.Value,
        Application => AtSpiInterfaces.Application,
        _ => AtSpiInterfaces.None,
    };
}
