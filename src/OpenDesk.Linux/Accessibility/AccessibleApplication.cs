namespace OpenDesk.Linux.Accessibility;

/// <summary>An application registered with the accessibility bus.</summary>
/// <param name="Root">Its root object (<c>/org/a11y/atspi/accessible/root</c> on its connection).</param>
/// <param name="Name">Its accessible name, usually the program name (<c>gtk3-widget-factory</c>).</param>
/// <param name="Pid">The process behind its connection, when the bus could say.</param>
internal sealed record AccessibleApplication(AccessibleRef Root, string Name, int? Pid)
{
    public string BusName => Root.BusName;

    /// <summary>
    /// The program the process runs (the file name of its <c>argv[0]</c>; the kernel's 15-character
    /// <c>comm</c> would cut <c>gtk3-widget-factory</c> short), another name controllers know it by.
    /// </summary>
    public string? ProcessName()
    {
        if (Pid is not { } pid)
        {
            return null;
        }

        try
        {
            var argv0 = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0];
            return argv0.Length > 0 ? Path.GetFileName(argv0) : File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
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
