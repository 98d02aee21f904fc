using System.Text;
using System.Xml;
using System.Xml.Linq;
using OpenDesk.Cli;
using OpenDesk.Cli.Commands;

namespace OpenDesk.Tests.Cli;

/// <summary>install-service / uninstall-service: what the service runs, the files each service manager gets, and the commands it is given.</summary>
public sealed class ServiceCommandsTests : IDisposable
{
    private const string AwkwardExecutable = "/Applications/Desk & Co <beta>/opendesk \"x\"";
    private static readonly XNamespace Task = ScheduledTaskService.Namespace;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"od-svc-{Guid.NewGuid().ToString("N")[..8]}");
    private readonly List<string> _commands = [];
    private readonly StringWriter _output = new();

    public ServiceCommandsTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void The_service_runs_the_installed_tools_shim_even_when_a_checkouts_launcher_variable_was_inherited()
    {
        Assert.Equal(["/home/ana/.dotnet/tools/opendesk"], SelfProgram.Resolve("/home/ana/.dotnet/tools/opendesk", null, "/home/ana/.dotnet/tools/opendesk", "/x/OpenDesk.Cli.dll"));
        Assert.Equal(["/opt/tools/opendesk"], SelfProgram.Resolve("/opt/tools/opendesk", "/src/opendesk", "/usr/bin/dotnet", "/x/OpenDesk.Cli.dll"));
    }

    [Fact]
    public void The_service_runs_the_launcher_when_opendesk_came_through_it()
    {
        Assert.Equal(["/src/opendesk"], SelfProgram.Resolve(null, "/src/opendesk", "/usr/bin/dotnet", "/src/.build/cli/OpenDesk.Cli.dll"));
    }

    [Fact]
    public void The_service_runs_the_dotnet_host_with_the_entry_assembly()
    {
        Assert.Equal(["/usr/lib/dotnet/dotnet", "/opt/od/OpenDesk.Cli.dll"], SelfProgram.Resolve(null, null, "/usr/lib/dotnet/dotnet", "/opt/od/OpenDesk.Cli.dll"));
        Assert.Equal([@"C:\Program Files\dotnet\dotnet.exe", @"C:\od\OpenDesk.Cli.dll"], SelfProgram.Resolve(null, "", @"C:\Program Files\dotnet\dotnet.exe", @"C:\od\OpenDesk.Cli.dll"));
    }

    [Fact]
    public void The_service_runs_an_apphost_or_native_build_alone_without_an_assembly_as_an_argument()
    {
        Assert.Equal(["/opt/od/OpenDesk.Cli"], SelfProgram.Resolve(null, null, "/opt/od/OpenDesk.Cli", "/opt/od/OpenDesk.Cli.dll"));
        Assert.Equal([@"C:\od\opendesk.exe"], SelfProgram.Resolve(null, null, @"C:\od\opendesk.exe", ""));
    }

    [Theory]
    [InlineData(false, "opendesk")]
    [InlineData(true, "opendesk.exe")]
    public void An_installed_tool_is_found_by_its_shim_beside_the_tool_store(bool windows, string shimName)
    {
        var toolPath = Path.Combine(_directory, "tools");
        var entry = ToolPackage(toolPath, ToolSettings("opendesk"));
        File.WriteAllText(Path.Combine(toolPath, shimName), "");

        Assert.Equal(Path.Combine(toolPath, shimName), SelfProgram.ToolShim(entry, windows));
    }

    [Fact]
    public void A_tool_names_its_shim_after_the_command_its_settings_declare()
    {
        var toolPath = Path.Combine(_directory, "tools");
        var entry = ToolPackage(toolPath, ToolSettings("desk"));
        File.WriteAllText(Path.Combine(toolPath, "opendesk"), "");
        File.WriteAllText(Path.Combine(toolPath, "desk"), "");

        Assert.Equal(Path.Combine(toolPath, "desk"), SelfProgram.ToolShim(entry, windows: false));
    }

    [Fact]
    public void A_build_outside_any_tool_package_has_no_shim()
    {
        var build = Path.Combine(_directory, ".build", "cli");
        Directory.CreateDirectory(build);

        Assert.Null(SelfProgram.ToolShim(build, windows: false));
    }

    [Fact]
    public void A_local_tool_running_from_the_package_cache_has_no_shim()
    {
        var entry = Path.Combine(_directory, ".nuget", "packages", "opendesk.cli", "0.1.0", "tools", "net10.0", "any");
        Directory.CreateDirectory(entry);
        File.WriteAllText(Path.Combine(entry, SelfProgram.ToolSettingsFile), ToolSettings("opendesk"));
        File.WriteAllText(Path.Combine(_directory, "opendesk"), "");

        Assert.Null(SelfProgram.ToolShim(entry, windows: false));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<DotNetCliTool Version=\"1\"><Commands>")]
    [InlineData("<DotNetCliTool Version=\"1\"><Commands /></DotNetCliTool>")]
    [InlineData("<DotNetCliTool Version=\"1\"><Commands><Command Name=\"../opendesk\" /></Commands></DotNetCliTool>")]
    [InlineData("<DotNetCliTool Version=\"1\"><Commands><Command Name=\"..\" /></Commands></DotNetCliTool>")]
    public void A_tool_whose_settings_are_unreadable_or_name_no_plain_command_has_no_shim(string settings)
    {
        var toolPath = Path.Combine(_directory, "tools");
        var entry = ToolPackage(toolPath, settings);
        File.WriteAllText(Path.Combine(toolPath, "opendesk"), "");

        Assert.Null(SelfProgram.ToolShim(entry, windows: false));
    }

    [Fact]
    public void A_tool_whose_shim_was_removed_has_none()
    {
        var entry = ToolPackage(Path.Combine(_directory, "tools"), ToolSettings("opendesk"));

        Assert.Null(SelfProgram.ToolShim(entry, windows: false));
    }

    [Fact]
    public void Serve_is_given_the_port_and_the_home_only_when_the_install_named_one()
    {
        Assert.Equal(["/od/OpenDesk.Cli.dll", "serve", "--port", "9000"], new ServeInvocation(["dotnet", "/od/OpenDesk.Cli.dll"], 9000, "/home/ana/.opendesk", PassHome: false).Arguments);
        Assert.Equal(["serve", "--port", "8423", "--home", "/srv/desk home"], new ServeInvocation(["/od/opendesk"], 8423, "/srv/desk home", PassHome: true).Arguments);
    }

    [Fact]
    public void The_launchd_plist_runs_serve_at_load_restarts_after_failure_and_logs_to_the_home()
    {
        var raw = LaunchdService.PlistText(new ServeInvocation([AwkwardExecutable], 9000, "/Users/ana/desk home", PassHome: true));
        var plist = ParsePlist(raw);

        Assert.Equal("plist", plist.DocumentType!.Name);
        Assert.Equal("-//Apple//DTD PLIST 1.0//EN", plist.DocumentType.PublicId);
        Assert.Equal("http://www.apple.com/DTDs/PropertyList-1.0.dtd", plist.DocumentType.SystemId);
        Assert.Equal("UTF-8", plist.Declaration!.Encoding, ignoreCase: true);
        Assert.Equal("1.0", plist.Root!.Attribute("version")!.Value);

        var keys = Dict(plist.Root.Element("dict")!);
        Assert.Equal(["Label", "ProgramArguments", "RunAtLoad", "KeepAlive", "ProcessType", "StandardOutPath", "StandardErrorPath"], keys.Keys);
        Assert.Equal("dev.opendesk.serve", keys["Label"].Value);
        Assert.Equal("string", keys["Label"].Name.LocalName);
        Assert.Equal("array", keys["ProgramArguments"].Name.LocalName);
        Assert.Equal(
            [AwkwardExecutable, "serve", "--port", "9000", "--home", "/Users/ana/desk home"],
            keys["ProgramArguments"].Elements().Select(e => Assert.IsType<XElement>(e).Name.LocalName == "string" ? e.Value : "not a string"));
        Assert.Equal("true", keys["RunAtLoad"].Name.LocalName);
        Assert.Empty(keys["RunAtLoad"].Nodes());
        var keepAlive = Dict(keys["KeepAlive"]);
        Assert.Equal(["SuccessfulExit"], keepAlive.Keys);
        Assert.Equal("false", keepAlive["SuccessfulExit"].Name.LocalName);
        Assert.Equal("Interactive", keys["ProcessType"].Value);
        Assert.Equal("/Users/ana/desk home/serve.log", keys["StandardOutPath"].Value);
        Assert.Equal("/Users/ana/desk home/serve.err", keys["StandardErrorPath"].Value);

        // The awkward characters reach the file escaped, not raw.
        Assert.Contains("<string>/Applications/Desk &amp; Co &lt;beta&gt;/opendesk \"x\"</string>", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void The_launchd_plist_leaves_the_home_to_the_default_unless_the_install_named_one()
    {
        var keys = Dict(ParsePlist(LaunchdService.PlistText(new ServeInvocation(["/od/opendesk"], 8423, "/Users/ana/.opendesk", PassHome: false))).Root!.Element("dict")!);

        Assert.Equal(["/od/opendesk", "serve", "--port", "8423"], keys["ProgramArguments"].Elements().Select(e => e.Value));
        Assert.Equal("/Users/ana/.opendesk/serve.log", keys["StandardOutPath"].Value);
    }

    [Fact]
    public void The_scheduled_task_runs_serve_at_this_users_logon_in_their_session_and_restarts_after_failure()
    {
        var serve = new ServeInvocation([@"C:\Program Files\Desk & Co <beta>\opendesk.exe"], 9000, @"C:\Users\Ana Lee\desk home\", PassHome: true);
        var raw = ScheduledTaskService.TaskXml(serve, @"PC-7\ana");
        var task = XDocument.Parse(raw);

        Assert.Equal("utf-16", task.Declaration!.Encoding, ignoreCase: true);
        Assert.Equal(Task + "Task", task.Root!.Name);
        Assert.Equal("1.2", task.Root.Attribute("version")!.Value);
        Assert.All(task.Root.DescendantsAndSelf(), e => Assert.Equal(Task, e.Name.Namespace));

        Assert.Equal(@"\opendesk", Value(task, "RegistrationInfo", "URI"));
        var logon = Assert.Single(task.Root.Element(Task + "Triggers")!.Elements());
        Assert.Equal(Task + "LogonTrigger", logon.Name);
        Assert.Equal(@"PC-7\ana", logon.Element(Task + "UserId")!.Value);
        Assert.Equal("true", logon.Element(Task + "Enabled")!.Value);

        var principal = task.Root.Element(Task + "Principals")!.Element(Task + "Principal")!;
        Assert.Equal("Author", principal.Attribute("id")!.Value);
        Assert.Equal(@"PC-7\ana", principal.Element(Task + "UserId")!.Value);
        Assert.Equal("InteractiveToken", principal.Element(Task + "LogonType")!.Value);
        Assert.Equal("LeastPrivilege", principal.Element(Task + "RunLevel")!.Value);

        Assert.Equal("PT1M", Value(task, "Settings", "RestartOnFailure", "Interval"));
        Assert.Equal("999", Value(task, "Settings", "RestartOnFailure", "Count"));
        Assert.Equal("PT0S", Value(task, "Settings", "ExecutionTimeLimit"));
        Assert.Equal("false", Value(task, "Settings", "DisallowStartIfOnBatteries"));
        Assert.Equal("false", Value(task, "Settings", "StopIfGoingOnBatteries"));
        Assert.Equal("IgnoreNew", Value(task, "Settings", "MultipleInstancesPolicy"));

        var actions = task.Root.Element(Task + "Actions")!;
        Assert.Equal("Author", actions.Attribute("Context")!.Value);
        var exec = Assert.Single(actions.Elements());
        Assert.Equal(Task + "Exec", exec.Name);
        Assert.Equal(@"C:\Program Files\Desk & Co <beta>\opendesk.exe", exec.Element(Task + "Command")!.Value);
        Assert.Equal(@"serve --port 9000 --home ""C:\Users\Ana Lee\desk home\\""", exec.Element(Task + "Arguments")!.Value);

        Assert.Contains(@"<Command>C:\Program Files\Desk &amp; Co &lt;beta&gt;\opendesk.exe</Command>", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scheduled_task_passes_the_dotnet_host_its_assembly_first()
    {
        var serve = new ServeInvocation([@"C:\Program Files\dotnet\dotnet.exe", @"C:\od\OpenDesk.Cli.dll"], 8423, @"C:\Users\ana\.opendesk", PassHome: false);
        var exec = XDocument.Parse(ScheduledTaskService.TaskXml(serve, @"PC-7\ana")).Root!.Element(Task + "Actions")!.Element(Task + "Exec")!;

        Assert.Equal(@"C:\Program Files\dotnet\dotnet.exe", exec.Element(Task + "Command")!.Value);
        Assert.Equal(@"C:\od\OpenDesk.Cli.dll serve --port 8423", exec.Element(Task + "Arguments")!.Value);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "\"\"")]
    [InlineData(@"C:\a b\c", @"""C:\a b\c""")]
    [InlineData(@"C:\a b\", @"""C:\a b\\""")]
    [InlineData(@"say ""hi""", @"""say \""hi\""""")]
    [InlineData(@"a\""b", @"""a\\\""b""")]
    [InlineData(@"C:\no\spaces\", @"C:\no\spaces\")]
    public void A_task_argument_is_quoted_so_the_program_gets_it_back_unchanged(string argument, string quoted)
    {
        Assert.Equal(quoted, ScheduledTaskService.QuoteArgument(argument));
    }

    [Fact]
    public void The_task_file_is_utf16_with_a_byte_order_mark_as_schtasks_expects()
    {
        var path = Path.Combine(_directory, "opendesk", ScheduledTaskService.FileName);
        new ScheduledTaskService(path, @"PC-7\ana").Write(new ServeInvocation([@"C:\od\opendesk.exe"], 8423, @"C:\Users\ana\.opendesk", PassHome: false));

        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0xFF, 0xFE], bytes[..2]);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-16\"?>", Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2), StringComparison.Ordinal);
        Assert.Equal(Task + "Task", XDocument.Load(path).Root!.Name);
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

    [Fact]
    public void Launchd_install_writes_the_plist_then_bootstraps_it_into_the_users_gui_domain()
    {
        var plist = Path.Combine(_directory, "LaunchAgents", "dev.opendesk.serve.plist");

        Assert.Equal(0, Install(new LaunchdService(plist, 501), start: true));

        Assert.Equal("dev.opendesk.serve", Dict(ParsePlist(File.ReadAllText(plist)).Root!.Element("dict")!)["Label"].Value);
        Assert.Equal(["launchctl bootout gui/501/dev.opendesk.serve", $"launchctl bootstrap gui/501 {plist}"], _commands);
        Assert.Equal([$"✓ Service installed (launchd): {plist}", "  Started.  It will also run automatically on next login."], OutputLines());
    }

    [Fact]
    public void Schtasks_install_writes_the_definition_then_registers_and_runs_the_task()
    {
        var xml = Path.Combine(_directory, "opendesk", ScheduledTaskService.FileName);

        Assert.Equal(0, Install(new ScheduledTaskService(xml, @"PC-7\ana"), start: true));

        Assert.Equal(Task + "Task", XDocument.Load(xml).Root!.Name);
        Assert.Equal([$"schtasks /Create /TN opendesk /XML {xml} /F", "schtasks /End /TN opendesk", "schtasks /Run /TN opendesk"], _commands);
        Assert.Equal([$"✓ Service installed (schtasks): {xml}", "  Started.  It will also run automatically on next login."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    [InlineData("launchd")]
    [InlineData("schtasks")]
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
    [InlineData("launchd")]
    [InlineData("schtasks")]
    public void A_failing_service_manager_leaves_the_file_written_with_a_warning(string platform)
    {
        var manager = Manager(platform);

        Assert.Equal(0, ServiceCommands.Install(manager, Serve, start: true, Refuse, _output));

        Assert.True(File.Exists(manager.DefinitionPath));
        Assert.Equal([$"✓ Service installed ({manager.Name}): {manager.DefinitionPath}", "  WARNING: file written but service manager could not start it. Activate manually."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    [InlineData("launchd")]
    [InlineData("schtasks")]
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

    [Theory]
    [InlineData("systemd", "systemctl --user disable --now opendesk.service|systemctl --user daemon-reload")]
    [InlineData("launchd", "launchctl bootout gui/501/dev.opendesk.serve")]
    [InlineData("schtasks", "schtasks /End /TN opendesk|schtasks /Delete /TN opendesk /F")]
    public void Uninstall_stops_the_service_removes_its_definition_and_tells_the_manager(string platform, string expectedCommands)
    {
        var manager = Manager(platform);
        manager.Write(Serve);

        Assert.Equal(0, ServiceCommands.Uninstall(manager, Record, _output));

        Assert.False(File.Exists(manager.DefinitionPath));
        Assert.Equal(expectedCommands.Split('|'), _commands);
        Assert.Equal(["✓ Service uninstalled."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    [InlineData("launchd")]
    [InlineData("schtasks")]
    public void Uninstall_with_nothing_installed_says_so_and_runs_nothing(string platform)
    {
        Assert.Equal(0, ServiceCommands.Uninstall(Manager(platform), Record, _output));

        Assert.Empty(_commands);
        Assert.Equal(["No opendesk service was installed."], OutputLines());
    }

    [Theory]
    [InlineData("systemd")]
    [InlineData("launchd")]
    [InlineData("schtasks")]
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
        var launchd = ServiceManager.For(ServicePlatform.Launchd);
        var schtasks = ServiceManager.For(ServicePlatform.Schtasks);

        Assert.Equal(("systemd", "launchd", "schtasks"), (systemd.Name, launchd.Name, schtasks.Name));
        Assert.EndsWith(Path.Combine("systemd", "user", "opendesk.service"), systemd.DefinitionPath, StringComparison.Ordinal);
        Assert.Equal(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "LaunchAgents", "dev.opendesk.serve.plist"),
            launchd.DefinitionPath);
        Assert.Equal(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "opendesk", "opendesk-task.xml"),
            schtasks.DefinitionPath);
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

    /// <summary>A tool package laid out as <c>dotnet tool install --tool-path</c> unpacks it; returns its entry directory.</summary>
    private static string ToolPackage(string toolPath, string settings)
    {
        var entry = Path.Combine(toolPath, SelfProgram.ToolStoreDirectory, "opendesk.cli", "0.1.0", "opendesk.cli", "0.1.0", "tools", "net10.0", "any");
        Directory.CreateDirectory(entry);
        File.WriteAllText(Path.Combine(entry, SelfProgram.ToolSettingsFile), settings);
        return entry;
    }

    private static string ToolSettings(string command) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <DotNetCliTool Version="1">
          <Commands>
            <Command Name="{command}" EntryPoint="OpenDesk.Cli.dll" Runner="dotnet" />
          </Commands>
        </DotNetCliTool>
        """;

    /// <summary>The service manager named as install-service prints it, with its file under the test directory.</summary>
    private ServiceManager Manager(string name) => name switch
    {
        "systemd" => new SystemdService(Path.Combine(_directory, "systemd", "user", SystemdService.UnitName)),
        "launchd" => new LaunchdService(Path.Combine(_directory, "LaunchAgents", "dev.opendesk.serve.plist"), 501),
        _ => new ScheduledTaskService(Path.Combine(_directory, "opendesk", ScheduledTaskService.FileName), @"PC-7\ana"),
    };

    private int Install(ServiceManager manager, bool start) => ServiceCommands.Install(manager, Serve, start, Record, _output);

    private bool Record(string program, IReadOnlyList<string> arguments)
    {
        _commands.Add(string.Join(' ', [program, .. arguments]));
        return true;
    }

    private static bool Refuse(string program, IReadOnlyList<string> arguments) => false;

    private string[] OutputLines() => _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    // The DOCTYPE is read, never fetched: tests must not reach apple.com.
    private static XDocument ParsePlist(string text)
    {
        using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse, XmlResolver = null });
        return XDocument.Load(reader);
    }

    /// <summary>A plist dict as key → value element, in file order.</summary>
    private static Dictionary<string, XElement> Dict(XElement dict)
    {
        var children = dict.Elements().ToList();
        Assert.True(children.Count % 2 == 0, "a dict holds key/value pairs");
        var pairs = new Dictionary<string, XElement>();
        for (var i = 0; i < children.Count; i += 2)
        {
            Assert.Equal("key", children[i].Name.LocalName);
            pairs.Add(children[i].Value, children[i + 1]);
        }

        return pairs;
    }

    private static string Value(XDocument task, params string[] path) =>
        path.Aggregate(task.Root!, (element, name) => element.Element(Task + name)!).Value;
}
