namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// AT-SPI role numbers (AtspiRole) and the role names <c>ui.tree</c> reports: the AT-SPI name in snake case
/// (<c>check box</c> is <c>check_box</c>), except the two roles every platform shares under the names the
/// protocol uses, <c>button</c> (AT-SPI <c>push button</c>) and <c>window</c> (AT-SPI <c>frame</c>). The AT-SPI
/// name itself is kept in the element's metadata as <c>atspi_role</c>.
/// </summary>
internal static class AtSpiRoles
{
    public const uint Application = 75;

    private static readonly string[] Names =
    [
        "invalid", "accelerator label", "alert", "animation", "arrow", "calendar", "canvas", "check box",
        "check menu item", "color chooser", "column header", "combo box", "date editor", "desktop icon",
        "desktop frame", "dial", "dialog", "directory pane", "drawing area", "file chooser", "filler",
        "focus traversable", "font chooser", "frame", "glass pane", "html container", "icon", "image",
        "internal frame", "label", "layered pane", "list", "list item", "menu", "menu bar", "menu item",
        "option pane", "page tab", "page tab list", "panel", "password text", "popup menu", "progress bar",
        "push button", "radio button", "radio menu item", "root pane", "row header", "scroll bar", "scroll pane",
        "separator", "slider", "spin button", "split pane", "status bar", "table", "table cell",
        "table column header", "table row header", "tearoff menu item", "terminal", "text", "toggle button",
        "tool bar", "tool tip", "tree", "tree table", "unknown", "viewport", "window", "extended", "header",
        "footer", "paragraph", "ruler", "application", "autocomplete", "editbar", "embedded", "entry", "chart",
        "caption", "document frame", "heading", "page", "section", "redundant object", "form", "link",
        "input method window", "table row", "tree item", "document spreadsheet", "document presentation",
        "document text", "document web", "document email", "comment", "list box", "grouping", "image map",
        "notification", "info bar", "level bar", "title bar", "block quote", "audio", "video", "definition",
        "article", "landmark", "log", "marquee", "math", "rating", "timer", "static", "math fraction",
        "math root", "subscript", "superscript", "description list", "description term", "description value",
        "footnote", "content deletion", "content insertion", "mark", "suggestion", "push button menu",
    ];

    private static readonly string[] Normalised = [.. Names.Select(Normalise)];

    /// <summary>The AT-SPI role name, e.g. <c>push button</c>; <c>role N</c> for numbers newer than this table.</summary>
    public static string AtSpiName(uint role) => role < Names.Length ? Names[role] : $"role {role}";

    /// <summary>The role name as <c>ui.tree</c> reports it, e.g. <c>button</c>, <c>check_box</c>.</summary>
    public static string Name(uint role) => role < Normalised.Length ? Normalised[role] : $"role_{role}";

    /// <summary>
    /// A role name as a controller may write it (<c>Push Button</c>, <c>push-button</c>, <c>button</c>) in the
    /// form <see cref="Name"/> produces, so either spelling matches.
    /// </summary>
    public static string Normalise(string role)
    {
        var snake = role.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
        return snake switch
        {
            "push_button" => "button",
            "frame" => "window",
            _ => snake,
        };
    }
}
