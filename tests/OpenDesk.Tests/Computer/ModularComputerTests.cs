using System.Runtime.CompilerServices;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Protocol;

namespace OpenDesk.Tests.Computer;

public sealed class ModularComputerTests
{
    /// <summary>Every IComputer method but the two system ones, by wire method, with a valid call.</summary>
    public static readonly TheoryData<string> MethodNames = [.. Calls.Keys];

    /// <summary>The methods a module serves only when it lists their capability: all but <c>input.subscribe</c>.</summary>
    public static readonly TheoryData<string> GatedMethodNames = [.. Calls.Keys.Where(m => m != Methods.InputSubscribe)];

    private static Dictionary<string, Func<IComputer, Task>> Calls => new()
    {
        ["display.displays"] = c => c.DisplaysAsync(),
        ["display.capture"] = c => c.CaptureAsync(),
        ["display.cursor_position"] = c => c.CursorPositionAsync(),
        ["display.subscribe"] = c => Drain(c.SubscribeDisplayAsync()),
        ["input.pointer"] = c => c.PointerAsync(new PointerEvent(PointerAction.Move, new Point(1, 2))),
        ["input.key"] = c => c.KeyAsync(new KeyEvent(KeyAction.Down, "a")),
        ["input.text"] = c => c.TextAsync(new TextInput("hi")),
        ["input.subscribe"] = c => Drain(c.SubscribeInputAsync()),
        ["windows.list"] = c => c.ListWindowsAsync(),
        ["windows.focused"] = c => c.FocusedWindowAsync(),
        ["windows.focus"] = c => c.FocusWindowAsync("0x1"),
        ["windows.move"] = c => c.MoveWindowAsync("0x1", new Rect(0, 0, 10, 10)),
        ["windows.close"] = c => c.CloseWindowAsync("0x1"),
        ["apps.open"] = c => c.OpenAppAsync("xterm"),
        ["apps.close"] = c => c.CloseAppAsync("xterm"),
        ["apps.focus"] = c => c.FocusAppAsync("xterm"),
        ["apps.list"] = c => c.ListAppsAsync(),
        ["ui.tree"] = c => c.UITreeAsync(),
        ["ui.action"] = c => c.UIActionAsync(new UIElement("button")),
        ["clipboard.read"] = c => c.ReadClipboardAsync(),
        ["clipboard.write"] = c => c.WriteClipboardAsync(ClipboardContents.FromText("x")),
        ["fs.read"] = c => c.ReadFileAsync("/x"),
        ["fs.write"] = c => c.WriteFileAsync("/x", [1]),
        ["fs.list"] = c => c.ListDirectoryAsync("/x"),
        ["fs.stat"] = c => c.StatAsync("/x"),
        ["fs.delete"] = c => c.DeletePathAsync("/x"),
        ["fs.move"] = c => c.MovePathAsync("/x", "/y"),
        ["fs.mkdir"] = c => c.CreateDirectoryAsync("/x"),
        ["process.list"] = c => c.ListProcessesAsync(),
        ["process.shell"] = c => c.ShellAsync("true"),
        ["process.exec"] = c => c.ExecAsync(["true"]),
        ["power.lock"] = c => c.LockAsync(),
        ["notifications.list"] = c => c.ListNotificationsAsync(),
    };

    [Fact]
    public void The_calls_cover_every_method_of_the_table()
    {
        var table = Methods.All.Values
            .Where(m => m.AliasOf is null && m.Capability is not null)
            .Select(m => m.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(table, Calls.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public async Task Without_modules_every_method_is_capability_unsupported_in_the_spec_wording(string method)
    {
        using var computer = ModularComputer.Headless();

        var error = await WireError(() => Calls[method](computer));

        var capability = Methods.CapabilityOf(method)!;
        var backend = $"local/{HostEnvironment.OsName}";
        Assert.Equal(ErrorCodes.CapabilityUnsupported, error.Code);
        Assert.Equal($"Capability '{capability}' is not supported by backend {backend}.", error.Message);
        Assert.Equal(capability, error.Details["capability"]);
        Assert.Equal(backend, error.Details["backend"]);
    }

    [Theory]
    [MemberData(nameof(GatedMethodNames))]
    public async Task A_module_that_does_not_list_the_capability_is_never_called(string method)
    {
        var module = new EverythingModule([]);
        using var computer = new ModularComputer("test/empty", [module]);

        var error = await WireError(() => Calls[method](computer));

        Assert.Equal(ErrorCodes.CapabilityUnsupported, error.Code);
        Assert.Equal($"Capability '{Methods.CapabilityOf(method)}' is not supported by backend test/empty.", error.Message);
        Assert.Empty(module.Called);
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public async Task A_module_that_lists_the_capability_serves_the_method(string method)
    {
        var module = new EverythingModule(Capabilities.All.Where(c => ModuleArea.All.Any(a => a.Covers(c))).ToList());
        using var computer = new ModularComputer("test/all", [module]);

        await Calls[method](computer);

        Assert.Equal([method], module.Called);
    }

    [Fact]
    public async Task Input_subscribe_is_served_by_an_input_stream_module_whatever_it_lists()
    {
        var module = new EverythingModule([]);
        using var computer = new ModularComputer("test/stream", [module]);

        await Drain(computer.SubscribeInputAsync());

        Assert.Equal([Methods.InputSubscribe], module.Called);
        Assert.Empty(computer.Manifest.Capabilities);
    }

    [Fact]
    public async Task The_manifest_is_derived_from_the_modules_present()
    {
        var screen = new ScreenModule([Capabilities.DisplayStream, Capabilities.DisplayCapture])
        {
            Limits = new Dictionary<string, IReadOnlyDictionary<string, object?>> { [Capabilities.DisplayStream] = new Dictionary<string, object?> { ["max_fps"] = 30L } },
        };
        var files = new FilesModule([Capabilities.FsRead]);

        using var computer = new ModularComputer("local/test", [screen, files]);

        Assert.Equal(["display.capture", "display.stream", "fs.read"], computer.Manifest.Capabilities);
        Assert.Equal("local/test", computer.Manifest.Backend);
        Assert.Equal(30L, computer.Manifest.Limits[Capabilities.DisplayStream]["max_fps"]);
        Assert.Single(computer.Manifest.Limits);
        Assert.Same(computer.Manifest, await computer.CapabilitiesAsync());
        Assert.Equal([screen, files], computer.Modules);
    }

    [Fact]
    public void A_headless_computer_advertises_nothing()
    {
        using var computer = ModularComputer.Headless();

        Assert.Empty(computer.Manifest.Capabilities);
        Assert.Empty(computer.Manifest.Limits);
        Assert.Equal($"local/{HostEnvironment.OsName}", computer.Manifest.Backend);
    }

    [Fact]
    public async Task The_screen_module_passes_every_capture_parameter_through()
    {
        var screen = new ScreenModule([Capabilities.DisplayCapture]);
        using var computer = new ModularComputer("local/test", [screen]);

        await computer.CaptureAsync("HDMI-1", new Rect(1, 2, 3, 4), downscale: false, PixmapFormat.Jpeg, 55, cursor: true);

        Assert.Equal(("HDMI-1", new Rect(1, 2, 3, 4), false, PixmapFormat.Jpeg, 55, true), screen.LastCapture);
    }

    [Fact]
    public async Task The_environment_lists_the_screen_modules_displays_or_none()
    {
        using var withScreen = new ModularComputer("local/test", [new ScreenModule([Capabilities.DisplayCapture])]);
        using var withoutScreen = new ModularComputer("local/test", [new FilesModule([Capabilities.FsRead])]);

        var environment = await withScreen.EnvironmentAsync();

        Assert.Equal("eDP-1", Assert.Single(environment.Displays).Id);
        Assert.Equal(HostEnvironment.OsName, environment.Os);
        Assert.NotEmpty(environment.Hostname);
        Assert.Empty((await withoutScreen.EnvironmentAsync()).Displays);
    }

    [Fact]
    public void A_capability_outside_the_spec_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ModularComputer("local/test", [new ScreenModule(["display.hologram"])]));

        Assert.Contains("'display.hologram', which is not a spec §18 capability", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_capability_outside_the_modules_areas_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ModularComputer("local/test", [new ScreenModule([Capabilities.FsRead])]));

        Assert.Contains("ScreenModule lists 'fs.read', which is outside its areas (screen)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_modules_for_one_area_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ModularComputer("local/test", [new ScreenModule([Capabilities.DisplayCapture]), new EverythingModule([])]));

        Assert.Contains("both ScreenModule and EverythingModule serve the screen area", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_of_a_capability_the_module_does_not_list_are_refused()
    {
        var screen = new ScreenModule([Capabilities.DisplayCapture])
        {
            Limits = new Dictionary<string, IReadOnlyDictionary<string, object?>> { [Capabilities.DisplayStream] = new Dictionary<string, object?> { ["max_fps"] = 30L } },
        };

        var error = Assert.Throws<ArgumentException>(() => new ModularComputer("local/test", [screen]));

        Assert.Contains("sets limits for 'display.stream', which it does not list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_module_of_no_area_and_a_blank_backend_are_refused()
    {
        Assert.Contains("serves no area", Assert.Throws<ArgumentException>(() => new ModularComputer("local/test", [new NoAreaModule()])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ModularComputer(" ", []));
    }

    [Fact]
    public async Task Disposing_the_computer_disposes_its_modules_last_first_and_once()
    {
        var order = new List<string>();
        var screen = new ScreenModule([Capabilities.DisplayCapture]) { OnDispose = () => order.Add("screen") };
        var files = new FilesModule([Capabilities.FsRead]) { OnDispose = () => order.Add("files") };
        var computer = new ModularComputer("local/test", [screen, files]);

        await computer.DisposeAsync();
        computer.Dispose();

        Assert.Equal(["files", "screen"], order);
    }

    [Fact]
    public async Task A_screen_without_display_stream_cannot_be_subscribed_but_still_captures()
    {
        using var computer = new ModularComputer("local/test", [new ScreenModule([Capabilities.DisplayCapture])]);

        var error = await WireError(() => Drain(computer.SubscribeDisplayAsync()));

        Assert.Equal("Capability 'display.stream' is not supported by backend local/test.", error.Message);
        Assert.NotNull(await computer.CaptureAsync());
    }

    private static async Task<ErrorInfo> WireError(Func<Task> call) => ErrorMapping.ToErrorInfo(await Assert.ThrowsAnyAsync<Exception>(call));

    private static async Task Drain<T>(IAsyncEnumerable<T> stream)
    {
        await foreach (var _ in stream)
        {
        }
    }

    private sealed class NoAreaModule : IComputerModule
    {
        public IReadOnlyCollection<string> Capabilities => [];
    }

    private sealed class ScreenModule(IReadOnlyCollection<string> capabilities) : IScreenModule, IDisposable
    {
        public IReadOnlyCollection<string> Capabilities => capabilities;

        public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Limits { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, object?>>();

        public (string?, Rect?, bool, string?, int?, bool) LastCapture { get; private set; }

        public Action? OnDispose { get; init; }

        public Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Display>>([new Display("eDP-1", new Rect(0, 0, 1920, 1080)) { Primary = true }]);

        public Task<Pixmap> CaptureAsync(string? displayId, Rect? region, bool downscale, string? format, int? quality, bool cursor, CancellationToken cancellationToken)
        {
            LastCapture = (displayId, region, downscale, format, quality, cursor);
            return Task.FromResult(new Pixmap([1], 1, 1, 1, 1));
        }

        public Task<Point> CursorPositionAsync(CancellationToken cancellationToken) => Task.FromResult(new Point(0, 0));

        public IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId, int fps, Rect? region, string? format, int? quality, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a screen without display.stream must not be asked for frames");

        public void Dispose() => OnDispose?.Invoke();
    }

    private sealed class FilesModule(IReadOnlyCollection<string> capabilities) : IFilesModule, IAsyncDisposable
    {
        public IReadOnlyCollection<string> Capabilities => capabilities;

        public Action? OnDispose { get; init; }

        public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken) => Task.FromResult(new byte[] { 1 });

        public Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<FileEntry>>([]);

        public Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken) => Task.FromResult(new FileEntry(path, "x", false));

        public Task DeletePathAsync(string path, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task MovePathAsync(string source, string destination, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CreateDirectoryAsync(string path, bool parents, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            OnDispose?.Invoke();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One module serving every area, recording which wire method each call was.</summary>
    private sealed class EverythingModule(IReadOnlyCollection<string> capabilities)
        : IScreenModule, IInputModule, IInputStreamModule, IWindowsModule, IClipboardModule, IFilesModule, IProcessesModule, IAppsModule,
          IAccessibilityModule, IPowerModule, INotificationsModule
    {
        public IReadOnlyCollection<string> Capabilities => capabilities;

        public List<string> Called { get; } = [];

        public Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken) => Record<IReadOnlyList<Display>>("display.displays", []);

        public Task<Pixmap> CaptureAsync(string? displayId, Rect? region, bool downscale, string? format, int? quality, bool cursor, CancellationToken cancellationToken) =>
            Record("display.capture", new Pixmap([1], 1, 1, 1, 1));

        public Task<Point> CursorPositionAsync(CancellationToken cancellationToken) => Record("display.cursor_position", new Point(0, 0));

        public async IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId, int fps, Rect? region, string? format, int? quality, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return await Record("display.subscribe", new DisplayFrame(new Pixmap([1], 1, 1, 1, 1)));
        }

        public Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken) => Record("input.pointer");

        public Task KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken) => Record("input.key");

        public Task TextAsync(TextInput textInput, CancellationToken cancellationToken) => Record("input.text");

        public async IAsyncEnumerable<object> SubscribeInputAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return await Record<object>("input.subscribe", new KeyEvent(KeyAction.Down, "a"));
        }

        public Task<IReadOnlyList<Window>> ListWindowsAsync(CancellationToken cancellationToken) => Record<IReadOnlyList<Window>>("windows.list", []);

        public Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken) => Record<Window?>("windows.focused", null);

        public Task FocusWindowAsync(string windowId, CancellationToken cancellationToken) => Record("windows.focus");

        public Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken) => Record("windows.move");

        public Task CloseWindowAsync(string windowId, CancellationToken cancellationToken) => Record("windows.close");

        public Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken) => Record("clipboard.read", new ClipboardContents());

        public Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken) => Record("clipboard.write");

        public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken) => Record("fs.read", new byte[] { 1 });

        public Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken) => Record("fs.write");

        public Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken) => Record<IReadOnlyList<FileEntry>>("fs.list", []);

        public Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken) => Record("fs.stat", new FileEntry(path, "x", false));

        public Task DeletePathAsync(string path, CancellationToken cancellationToken) => Record("fs.delete");

        public Task MovePathAsync(string source, string destination, CancellationToken cancellationToken) => Record("fs.move");

        public Task CreateDirectoryAsync(string path, bool parents, CancellationToken cancellationToken) => Record("fs.mkdir");

        public Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken) => Record<IReadOnlyList<ProcessInfo>>("process.list", []);

        public Task<CompletedCommand> ShellAsync(string command, double? timeout, string? cwd, IReadOnlyDictionary<string, string>? env, CancellationToken cancellationToken) =>
            Record("process.shell", new CompletedCommand(0, [], []));

        public Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout, string? cwd, IReadOnlyDictionary<string, string>? env, byte[]? stdin, CancellationToken cancellationToken) =>
            Record("process.exec", new CompletedCommand(0, [], []));

        public Task OpenAppAsync(string name, CancellationToken cancellationToken) => Record("apps.open");

        public Task CloseAppAsync(string name, CancellationToken cancellationToken) => Record("apps.close");

        public Task FocusAppAsync(string name, CancellationToken cancellationToken) => Record("apps.focus");

        public Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken) => Record<IReadOnlyList<string>>("apps.list", []);

        public Task<UIElement> UITreeAsync(string? windowId, string? app, int maxDepth, CancellationToken cancellationToken) => Record("ui.tree", new UIElement("window"));

        public Task UIActionAsync(UIElement element, string action, string? app, CancellationToken cancellationToken) => Record("ui.action");

        public Task LockAsync(CancellationToken cancellationToken) => Record("power.lock");

        public Task<IReadOnlyList<Notification>> ListNotificationsAsync(CancellationToken cancellationToken) => Record<IReadOnlyList<Notification>>("notifications.list", []);

        private Task Record(string method)
        {
            Called.Add(method);
            return Task.CompletedTask;
        }

        private Task<T> Record<T>(string method, T result)
        {
            Called.Add(method);
            return Task.FromResult(result);
        }
    }
}
