using System.Globalization;

namespace OpenDesk.Cli.Commands;

/// <summary>Linux: the systemd user unit <c>~/.config/systemd/user/opendesk.service</c> (spec §24), driven with <c>systemctl --user</c>.</summary>
internal sealed class SystemdService(string unitPath) : ServiceManager
{
    public const string UnitName = "opendesk.service";

    public override string Name => "systemd";

    public override string DefinitionPath => unitPath;

    public override void Write(ServeInvocation serve) =>
        WriteFile(unitPath, UnitText(string.Join(' ', serve.Program.Select(Quote)), serve.Port, serve.PassHome ? serve.Home : null), Utf8);

    public override bool Start(CommandRunner run) => Systemctl(run, "daemon-reload") && Systemctl(run, "enable", "--now", UnitName);

    public override void Stop(CommandRunner run) => Systemctl(run, "disable", "--now", UnitName);

    public override void Forget(CommandRunner run) => Systemctl(run, "daemon-reload");

    /// <summary>The unit text; the unit runs the installed <c>opendesk serve</c>.</summary>
    /// <param name="opendesk">The command line before <c>serve</c>, already quoted for ExecStart.</param>
    internal static string UnitText(string opendesk, int port, string? home)
    {
        var homeArgument = home is null ? "" : $" --home {Quote(home)}";
        return $"""
            [Unit]
            Description=opendesk serve: remote control of this desktop by paired controllers
            After=graphical-session.target network-online.target

            [Service]
            Type=simple
            ExecStart={opendesk} serve --port {port.ToString(CultureInfo.InvariantCulture)}{homeArgument}
            Restart=on-failure
            RestartSec=5

            [Install]
            WantedBy=default.target

            """;
    }

    internal static string DefaultUnitPath()
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "systemd", "user", UnitName);
    }

    private static string Quote(string value) => value.Contains(' ', StringComparison.Ordinal) ? $"\"{value}\"" : value;

    private static bool Systemctl(CommandRunner run, params string[] args) => run("systemctl", ["--user", .. args]);
}
