using OpenDesk.Linux.Apps;

namespace OpenDesk.Tests.Linux.Apps;

public sealed class DesktopEntryTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("od-xdg-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task ListApps_ReturnsVisibleIdsSortedWithSubdirectoryIdsAndFirstDirectoryWinning()
    {
        var user = Path.Combine(_data, "user");
        var system = Path.Combine(_data, "system");
        Write(system, "zeta.desktop", "Name=Zeta\nExec=zeta");
        Write(system, "kde4/konsole.desktop", "Name=Konsole\nExec=konsole");
        Write(system, "menu-less.desktop", "Name=Helper\nExec=helper\nNoDisplay=true");
        Write(system, "not-installed.desktop", "Name=Gone\nExec=gone\nTryExec=/no/such/binary");
        Write(system, "link.desktop", "Name=Link\nType=Link\nURL=https://example.org");
        Write(system, "deleted.desktop", "Name=Deleted\nExec=deleted");
        Write(user, "deleted.desktop", "Name=Deleted\nExec=deleted\nHidden=true");
        Write(system, "alpha.desktop", "Name=Alpha\nExec=alpha");
        var apps = new DesktopApps(catalog: new DesktopEntryCatalog([user, system]));

        var ids = await apps.ListAppsAsync();

        Assert.Equal(["alpha", "kde4-konsole", "zeta"], ids);
    }

    [Fact]
    public async Task ListApps_ReadsTheSystemsDesktopEntries()
    {
        var ids = await new DesktopApps().ListAppsAsync();

        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        if (File.Exists("/usr/share/applications/debian-xterm.desktop"))
        {
            Assert.Contains("debian-xterm", ids);
        }
    }

    [Theory]
    [InlineData("mousepad %U", new[] { "mousepad" })]
    [InlineData("\"/opt/my app/run\" --name=%c %f --literal=100%%", new[] { "/opt/my app/run", "--name=My App", "--literal=100%" })]
    [InlineData("sh -c \"echo \\\\\"hi\\\\\" \\\\$HOME\"", new[] { "sh", "-c", "echo \"hi\" $HOME" })]
    [InlineData("app %i %k", new[] { "app", "--icon", "my-icon", "/apps/my.desktop" })]
    [InlineData("env GDK_BACKEND=x11 app\\s\"a b\"", new[] { "env", "GDK_BACKEND=x11", "app", "a b" })]
    public void ExecLine_FollowsTheDesktopEntryQuotingAndFieldCodeRules(string exec, string[] expected)
    {
        var entry = new DesktopEntry("my", "/apps/my.desktop") { Name = "My App", Exec = exec, Icon = "my-icon", Type = "Application" };

        Assert.Equal(expected, ExecLine.Parse(entry));
    }

    private static void Write(string dataDirectory, string relative, string body)
    {
        var path = Path.Combine(dataDirectory, "applications", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var type = body.Contains("Type=", StringComparison.Ordinal) ? "" : "Type=Application\n";
        File.WriteAllText(path, $"# comment\n[Desktop Entry]\n{type}{body}\n\n[Desktop Action other]\nExec=other\n");
    }
}
