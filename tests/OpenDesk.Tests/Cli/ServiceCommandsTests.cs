using OpenDesk.Cli.Commands;

namespace OpenDesk.Tests.Cli;

/// <summary>install-service / uninstall-service: what the service runs, the file the service manager gets, and the commands it is given.</summary>
public sealed class ServiceCommandsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"od-svc-{Guid.NewGuid().ToString("N")[..8]}");
    private readonly List<string> _commands = [];
    private readonly StringWriter _output = new();

    public ServiceCommandsTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void The_service_runs_the_launcher_when_opendesk_came_through_it()
    {
        Assert.Equal(["/src/opendesk"], ServiceCommands.ServeProgram("/src/opendesk", "/usr/bin/dotnet", "/src/.build/cli/OpenDesk.Cli.dll"));
    }

    [Fact]
    public void The_service_runs_the_dotnet_host_with_the_entry_assembly()
    {
        Assert.Equal(["/usr/lib/dotnet/dotnet", "/opt/od/OpenDesk.Cli.dll"], ServiceCommands.ServeProgram(null, "/usr/lib/dotnet/dotnet", "/opt/od/OpenDesk.Cli.dll"));
        Assert.Equal([@"C:\Program Files\dotnet\dotnet.exe", @"C:\od\OpenDesk.Cli.dll"], ServiceCommands.ServeProgram("", @"C:\Program Files\dotnet\dotnet.exe", @"C:\od\OpenDesk.Cli.dll"));
    }

    [Fact]
    public void The_service_runs_an_apphost_alone_without_its_assembly_as_an_argument()
    {
        Assert.Equal(["/opt/od/OpenDesk.Cli"], ServiceCommands.ServeProgram(null, "/opt/od/OpenDesk.Cli", "/opt/od/OpenDesk.Cli.dll"));
        Assert.Equal([@"C:\od\opendesk.exe"], ServiceCommands.ServeProgram(null, @"C:\od\opendesk.exe", ""));
    }

    [Fact]
    public void Serve_is_given_the_port_and_the_home_only_when_the_install_named_one()
    {
        Assert.Equal(["/od/OpenDesk.Cli.dll", "serve", "--port", "9000"], new ServeInvocation(["dotnet", "/od/OpenDesk.Cli.dll"], 9000, "/home/ana/.opendesk", PassHome: false).Arguments);
        Assert.Equal(["serve", "--port", "8423", "--home", "/srv/desk home"], new ServeInvocation(["/od/opendesk"], 8423, "/srv/desk home", PassHome: true).Arguments);
    }

    [Fact]
    public void Systemd_install_writes_the_unit_then_reloads_and_enables_it()
    {
        var unit = Path.Combine(_directory, "systemd", "user", SystemdService.UnitName);

        Assert.Equal(0, Install(new SystemdService(unit), start: true));

        Assert.Contains("ExecStart=/od/opendesk serve --port 9000", File.ReadAllText(unit), StringComparison.Ordinal);
        Assert.Equal(["systemctl --user daemon-reload", "systemctl --user enable --now opendesk.service"], _commands);
        Assert.Equal([$"✓ Service installed (systemd): {unit}", "  Started.  It will also run automatically on next login."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    public void Install_with_no_start_writes_the_file_and_runs_nothing(string platform)
    {
        var manager = Manager(platform);

        Assert.Equal(0, Install(manager, start: false));

        Assert.True(File.Exists(manager.DefinitionPath));
        Assert.Empty(_commands);
        Assert.Equal([$"✓ Service installed ({manager.Name}): {manager.DefinitionPath}", "  Not started (--no-start).  Activate manually or rerun without the flag."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    public void A_failing_service_manager_leaves_the_file_written_with_a_warning(string platform)
    {
        var manager = Manager(platform);

        Assert.Equal(0, ServiceCommands.Install(manager, Serve, start: true, Refuse, _output));

        Assert.True(File.Exists(manager.DefinitionPath));
        Assert.Equal([$"✓ Service installed ({manager.Name}): {manager.DefinitionPath}", "  WARNING: file written but service manager could not start it. Activate manually."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    public void A_missing_service_manager_leaves_the_file_written_with_a_warning(string platform)
    {
        var manager = Manager(platform);
        var missing = Path.Combine(_directory, "no-such-service-manager");

        Assert.Equal(0, ServiceCommands.Install(manager, Serve, start: true, (_, arguments) => ServiceCommands.RunProcess(missing, arguments), _output));

        Assert.True(File.Exists(manager.DefinitionPath));
        Assert.EndsWith("  WARNING: file written but service manager could not start it. Activate manually.", OutputLines()[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unwritable_definition_is_an_error_and_nothing_runs()
    {
        var blocker = Path.Combine(_directory, "not-a-directory");
        File.WriteAllText(blocker, "");

        Assert.Equal(1, Install(new SystemdService(Path.Combine(blocker, SystemdService.UnitName)), start: true));

        Assert.Empty(_commands);
        Assert.Empty(OutputLines());
    }

    [Fact]
    public void Systemd_uninstall_disables_the_unit_removes_it_and_reloads()
    {
        var manager = Manager("systemd");
        manager.Write(Serve);

        Assert.Equal(0, ServiceCommands.Uninstall(manager, Record, _output));

        Assert.False(File.Exists(manager.DefinitionPath));
        Assert.Equal(["systemctl --user disable --now opendesk.service", "systemctl --user daemon-reload"], _commands);
        Assert.Equal(["✓ Service uninstalled."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    public void Uninstall_with_nothing_installed_says_so_and_runs_nothing(string platform)
    {
        Assert.Equal(0, ServiceCommands.Uninstall(Manager(platform), Record, _output));

        Assert.Empty(_commands);
        Assert.Equal(["No opendesk service was installed."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    public void Uninstall_removes_the_file_even_when_the_service_manager_refuses(string platform)
    {
        var manager = Manager(platform);
        manager.Write(Serve);

        Assert.Equal(0, ServiceCommands.Uninstall(manager, Refuse, _output));

        Assert.False(File.Exists(manager.DefinitionPath));
        Assert.Equal(["✓ Service uninstalled."], OutputLines());
    }

    [Fact]
    public void Each_platform_keeps_its_definition_where_its_service_manager_looks()
    {
        var systemd = ServiceManager.For(ServicePlatform.Systemd);

        Assert.Equal("systemd", systemd.Name);
        Assert.EndsWith(Path.Combine("systemd", "user", "opendesk.service"), systemd.DefinitionPath, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(ServicePlatform.Systemd, ServiceManager.CurrentPlatform);
        }
    }

    public void Dispose()
    {
        _output.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static ServeInvocation Serve => new(["/od/opendesk"], 9000, "/home/ana/.opendesk", PassHome: false);

    /// <summary>The service manager named as install-service prints it, with its file under the test directory.</summary>
    private ServiceManager Manager(string name) => name switch
    {
        "systemd" => new SystemdService(Path.Combine(_directory, "systemd", "user", SystemdService.UnitName)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private int Install(ServiceManager manager, bool start) => ServiceCommands.Install(manager, Serve, start, Record, _output);

    private bool Record(string program, IReadOnlyList<string> arguments)
    {
        _commands.Add(string.Join(' ', [program, .. arguments]));
        return true;
    }

    private static bool Refuse(string program, IReadOnlyList<string> arguments) => false;

    private string[] OutputLines() => _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
