namespace OpenDesk.Linux.Accessibility;

/// <summary>An application registered with the accessibility bus.</summary>
/// <param name="Root">Its root object (<c>/org/a11y/atspi/accessible/root</c> on its connection).</param>
/// <param name="Name">Its accessible name, usually the program name (<c>gtk3-widget-factory</c>).</param>
/// <param name="Pid">The process behind its connection, when the bus could say.</param>
internal sealed record AccessibleApplication(AccessibleRef Root, string Name, int? Pid)
{
    public string BusName => Root.BusName;

    /// <summary>The kernel's name of the process (<c>/proc/PID/comm</c>), another name controllers know it by.</summary>
    public string? ProcessName()
    {
        if (Pid is not { } pid)
        {
            return null;
        }

        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="name"/> names this application, case-insensitively, by accessible or process name.</summary>
    public bool IsNamed(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(ProcessName(), name, StringComparison.OrdinalIgnoreCase);
}
