using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Computer;
using OpenDesk.Linux.Accessibility;
using OpenDesk.Protocol;
using OpenDesk.Tests.Linux.Windows;

namespace OpenDesk.Tests.Linux.Accessibility;

/// <summary>
/// ui.tree and ui.action through the real server against gtk3-widget-factory on its own accessible desktop.
/// What the application really exposes and what an action really changed is read back by pyatspi in a
/// separate process, and window geometry by xdotool.
/// </summary>
public sealed class AtSpiAccessibilityTests(AtSpiDesktopFixture desktop) : IClassFixture<AtSpiDesktopFixture>
{
    private const string App = AtSpiDesktopFixture.WidgetFactory;

    private static readonly TimeSpan EffectDeadline = TimeSpan.FromSeconds(15);

    [AtSpiFact]
    public void The_manifest_advertises_the_accessibility_capabilities()
    {
        Assert.Contains("ui.tree", desktop.Remote.Manifest.Capabilities);
        Assert.Contains("ui.actions", desktop.Remote.Manifest.Capabilities);
    }

    [AtSpiFact]
    public async Task The_tree_holds_the_factory_widgets_with_the_roles_names_and_bounds_pyatspi_sees()
    {
        var tree = await desktop.Remote.UITreeAsync(app: App, maxDepth: 40);

        Assert.Equal(("application", App), (tree.Role, tree.Name));
        var all = Flatten(tree).ToList();
        Assert.Equal((long)all.Count, tree.Metadata["node_count"]);
        Assert.Equal(false, tree.Metadata["truncated"]);
        Assert.Equal(6, all.Count(e => e is { Role: "check_box", Name: "checkbutton" }));
        Assert.Equal(6, all.Count(e => e is { Role: "radio_button", Name: "radiobutton" }));
        Assert.Equal(4, all.Count(e => e is { Role: "toggle_button", Name: "togglebutton" }));
        Assert.Contains(all, e => e is { Role: "button", Name: "Close" });
        Assert.Contains(all, e => e.Role == "spin_button" && e.Value == "50");
        Assert.All(all.Skip(1), e => Assert.Contains("showing", States(e)));

        var samples = new[]
        {
            all.First(e => e.Role == "window"),
            all.First(e => e.Role == "check_box"),
            all.First(e => e.Role == "toggle_button"),
            all.First(e => e is { Role: "button", Name: "Close" }),
            all.First(e => e.Role == "text" && e.Value == "entry"),
        };
        foreach (var element in samples)
        {
            var observed = desktop.Observe(App, PathOf(element));
            Assert.Equal(observed.GetProperty("role").GetString(), element.Metadata["atspi_role"]);
            Assert.Equal(observed.GetProperty("name").GetString(), element.Name);
            var extents = observed.GetProperty("extents").EnumerateArray().Select(v => (double)v.GetInt32()).ToArray();
            Assert.Equal(extents, Box(element.Bounds!));
        }
    }

    [AtSpiFact]
    public async Task The_window_bounds_match_the_x_window_geometry()
    {
        var window = (await desktop.Remote.ListWindowsAsync()).Single(w => w.Title == App);

        var tree = await desktop.Remote.UITreeAsync(windowId: window.Id, maxDepth: 1);

        Assert.Equal("window", tree.Role);
        var geometry = desktop.X.Run("xdotool", "getwindowgeometry", "--shell", X11Id(window.Id))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.Equal([geometry["X"], geometry["Y"], geometry["WIDTH"], geometry["HEIGHT"]], Box(tree.Bounds!));
        var windowPath = PathOf(tree);
        Assert.NotEmpty(tree.Children);
        Assert.All(tree.Children, c => Assert.Equal(windowPath, PathOf(c).Take(windowPath.Count)));
    }

    [AtSpiFact]
    public async Task Without_arguments_the_tree_is_the_focused_window()
    {
        var window = (await desktop.Remote.ListWindowsAsync()).Single(w => w.Title == App);
        await desktop.Remote.FocusWindowAsync(window.Id);

        var focused = await desktop.Remote.UITreeAsync();
        var byId = await desktop.Remote.UITreeAsync(windowId: window.Id);

        Assert.Equal("window", focused.Role);
        Assert.Equal(App, focused.Metadata["app"]);
        Assert.Equal(byId.Metadata["id"], focused.Metadata["id"]);
        Assert.Equal((long)8, focused.Metadata["max_depth"]);
    }

    [AtSpiFact]
    public async Task A_focused_window_without_accessibility_says_so_instead_of_showing_another()
    {
        var (xterm, _) = X11Observer.StartXterm(desktop.X, "plain-xterm");
        try
        {
            var window = (await desktop.Remote.ListWindowsAsync()).Single(w => w.Title == "plain-xterm");
            await desktop.Remote.FocusWindowAsync(window.Id);

            var error = await Assert.ThrowsAsync<ProtocolException>(() => desktop.Remote.UITreeAsync());

            Assert.Equal(ErrorCodes.NotFound, error.Code);
            Assert.Contains("plain-xterm", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            xterm.Kill(entireProcessTree: true);
            xterm.WaitForExit(5000);
        }
    }

    [AtSpiFact]
    public async Task Max_depth_cuts_the_tree_and_says_what_it_left_out()
    {
        var tree = await desktop.Remote.UITreeAsync(app: App, maxDepth: 2);

        Assert.All(Flatten(tree), e => Assert.True(PathOf(e).Count <= 2));
        var cut = Flatten(tree).Where(e => PathOf(e).Count == 2).ToList();
        Assert.NotEmpty(cut);
        Assert.Contains(cut, e => e.Metadata.TryGetValue("children_omitted", out var omitted) && omitted is long n && n > 0);
    }

    [AtSpiFact]
    public async Task Click_toggles_a_check_button_as_pyatspi_sees_it()
    {
        var box = await EnabledCheckBoxAsync();
        var before = Checked(desktop.Observe(App, PathOf(box)));

        await desktop.Remote.UIActionAsync(box, "click", App);
        WaitForObserved(PathOf(box), o => Checked(o) != before, "the check button to change state");

        await desktop.Remote.UIActionAsync(box, "toggle", App);
        WaitForObserved(PathOf(box), o => Checked(o) == before, "the check button to change back");
    }

    [AtSpiFact]
    public async Task Set_value_replaces_the_text_of_an_entry_as_pyatspi_reads_it()
    {
        var tree = await desktop.Remote.UITreeAsync(app: App, maxDepth: 40);
        var entry = Flatten(tree).First(e => e is { Role: "text", Enabled: true } && States(e).Contains("editable") && e.Actions.Contains("set_value"));

        await desktop.Remote.UIActionAsync(entry with { Value = "opendesk wrote this ✓" }, "set_value", App);

        WaitForObserved(PathOf(entry), o => o.GetProperty("text").GetString() == "opendesk wrote this ✓", "the entry to hold the new text");
        var again = Flatten(await desktop.Remote.UITreeAsync(app: App, maxDepth: 40)).Single(e => Equals(e.Metadata["id"], entry.Metadata["id"]));
        Assert.Equal("opendesk wrote this ✓", again.Value);
    }

    [AtSpiFact]
    public async Task Set_value_moves_a_spin_button()
    {
        var tree = await desktop.Remote.UITreeAsync(app: App, maxDepth: 40);
        var spin = Flatten(tree).First(e => e is { Role: "spin_button", Enabled: true });

        await desktop.Remote.UIActionAsync(new UIElement("spin_button") { Value = "73", Metadata = new Dictionary<string, object?> { ["id"] = spin.Metadata["id"] } }, "set_value");

        WaitForObserved(PathOf(spin), o => o.GetProperty("value").GetDouble() == 73, "the spin button to read 73");
    }

    [AtSpiFact]
    public async Task An_element_id_from_one_tree_finds_the_element_in_a_later_action()
    {
        var box = await EnabledCheckBoxAsync();
        var before = Checked(desktop.Observe(App, PathOf(box)));

        // Only the id: no name, no bounds, no app, and another call in between.
        await desktop.Remote.UITreeAsync(app: App);
        await desktop.Remote.UIActionAsync(new UIElement("") { Metadata = new Dictionary<string, object?> { ["id"] = box.Metadata["id"] } });
        WaitForObserved(PathOf(box), o => Checked(o) != before, "the check button found by id to change state");

        // Only the path and the role and name it must have there.
        await desktop.Remote.UIActionAsync(new UIElement("check_box") { Name = "checkbutton", Metadata = new Dictionary<string, object?> { ["path"] = box.Metadata["path"] } }, "click", App);
        WaitForObserved(PathOf(box), o => Checked(o) == before, "the check button found by path to change back");
    }

    [AtSpiFact]
    public async Task Role_name_and_bounds_pick_the_nearest_of_several_matches()
    {
        var boxes = Flatten(await desktop.Remote.UITreeAsync(app: App, maxDepth: 40)).Where(e => e is { Role: "check_box", Enabled: true }).ToList();
        var last = boxes[^1];
        var before = Checked(desktop.Observe(App, PathOf(last)));
        var others = boxes.SkipLast(1).Select(b => Checked(desktop.Observe(App, PathOf(b)))).ToList();

        await desktop.Remote.UIActionAsync(new UIElement("check box") { Name = "checkbutton", Bounds = last.Bounds }, "click", App);

        WaitForObserved(PathOf(last), o => Checked(o) != before, "the check button nearest the bounds to change state");
        Assert.Equal(others, boxes.SkipLast(1).Select(b => Checked(desktop.Observe(App, PathOf(b)))).ToList());
        await desktop.Remote.UIActionAsync(last, "click", App);
        WaitForObserved(PathOf(last), o => Checked(o) == before, "the check button to change back");
    }

    [AtSpiFact]
    public async Task The_ui_perform_alias_acts_like_ui_action()
    {
        var box = await EnabledCheckBoxAsync();
        var before = Checked(desktop.Observe(App, PathOf(box)));
        var dispatcher = new ComputerDispatcher(desktop.Computer);

        await dispatcher.InvokeAsync(Methods.UIPerformAlias, new MsgMap { ["element"] = box.ToMap(), ["action"] = "click", ["app"] = App }, CancellationToken.None);
        WaitForObserved(PathOf(box), o => Checked(o) != before, "the check button to change state");

        await dispatcher.InvokeAsync(Methods.UIAction, new MsgMap { ["element"] = box.ToMap(), ["action"] = "click", ["app"] = App }, CancellationToken.None);
        WaitForObserved(PathOf(box), o => Checked(o) == before, "the check button to change back");
    }

    [AtSpiFact]
    public async Task An_element_that_is_not_there_is_not_found()
    {
        var tree = await desktop.Remote.UITreeAsync(app: App);
        var bus = ((string)tree.Metadata["id"]!).Split(":/")[0];

        var missing = await Assert.ThrowsAsync<ProtocolException>(() =>
            desktop.Remote.UIActionAsync(new UIElement("button") { Name = "No such button 7f3a" }, "click", App));
        var stale = await Assert.ThrowsAsync<ProtocolException>(() => desktop.Remote.UIActionAsync(
            new UIElement("button") { Name = "Gone", Metadata = new Dictionary<string, object?> { ["id"] = $"{bus}:/org/a11y/atspi/accessible/987654", ["path"] = new List<object?> { 0L, 99L } } }));
        var noApp = await Assert.ThrowsAsync<ProtocolException>(() => desktop.Remote.UITreeAsync(app: "no-such-app"));

        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        Assert.Contains("No such button 7f3a", missing.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.NotFound, stale.Code);
        Assert.Equal(ErrorCodes.NotFound, noApp.Code);
        Assert.Contains(App, noApp.Message, StringComparison.Ordinal);
    }

    [AtSpiFact]
    public async Task Bad_arguments_are_invalid_argument()
    {
        var tree = await desktop.Remote.UITreeAsync(app: App, maxDepth: 40);
        var label = Flatten(tree).First(e => e.Role == "label");

        var badId = await Assert.ThrowsAsync<ProtocolException>(() =>
            desktop.Remote.UIActionAsync(new UIElement("button") { Metadata = new Dictionary<string, object?> { ["id"] = "not an id//" } }, "click", App));
        var badPath = await Assert.ThrowsAsync<ProtocolException>(() =>
            desktop.Remote.UIActionAsync(new UIElement("button") { Metadata = new Dictionary<string, object?> { ["path"] = new List<object?> { "x" } } }, "click", App));
        var noSuchAction = await Assert.ThrowsAsync<ProtocolException>(() => desktop.Remote.UIActionAsync(label, "click", App));
        var noValue = await Assert.ThrowsAsync<ProtocolException>(() => desktop.Remote.UIActionAsync(label with { Value = null }, "set_value", App));
        var nothing = await Assert.ThrowsAsync<ProtocolException>(() => desktop.Remote.UIActionAsync(new UIElement(""), "click", App));
        var depth = await Assert.ThrowsAsync<ProtocolException>(() => desktop.Remote.UITreeAsync(app: App, maxDepth: -1));
        var window = await Assert.ThrowsAsync<ProtocolException>(() => desktop.Remote.UITreeAsync(windowId: "not-a-window"));

        Assert.All(new[] { badId, badPath, noSuchAction, noValue, nothing, depth, window }, e => Assert.Equal(ErrorCodes.InvalidArgument, e.Code));
        Assert.Contains("offers no AT-SPI actions", noSuchAction.Message, StringComparison.Ordinal);
    }

    [AtSpiFact]
    public async Task A_full_walk_finds_every_object_pyatspi_finds()
    {
        using var accessibility = await AtSpiAccessibility.TryOpenAsync(desktop.X.DisplayName, null, NullLogger.Instance, _ => null);
        Assert.NotNull(accessibility);

        var full = await accessibility.ReadApplicationAsync(App, new TreeOptions(TreeOptions.DepthCeiling, 100_000, IncludeHidden: true), CancellationToken.None);
        var capped = await accessibility.ReadApplicationAsync(App, new TreeOptions(TreeOptions.DepthCeiling, 10, IncludeHidden: true), CancellationToken.None);

        Assert.Equal(desktop.ObservedNodeCount(App), full.NodeCount);
        Assert.False(full.Truncated);
        Assert.Equal((10, true), (capped.NodeCount, capped.Truncated));
        Assert.Equal(10, capped.Root.DescendantsAndSelf().Count());
    }

    [AtSpiFact]
    public async Task A_hung_application_gives_a_timeout_and_answers_again_once_it_runs()
    {
        using var accessibility = await AtSpiAccessibility.TryOpenAsync(desktop.X.DisplayName, null, NullLogger.Instance, _ => null, TimeSpan.FromSeconds(3));
        Assert.NotNull(accessibility);
        var pid = desktop.WidgetFactoryProcess.Id.ToString(CultureInfo.InvariantCulture);

        desktop.Run("kill", ["-STOP", pid]);
        ProtocolException hung;
        try
        {
            hung = await WireErrors.OfAsync(() => accessibility.TreeAsync(null, App, 8, CancellationToken.None));
        }
        finally
        {
            desktop.Run("kill", ["-CONT", pid]);
        }

        Assert.Equal(ErrorCodes.Timeout, hung.Code);
        var tree = await accessibility.TreeAsync(null, App, 8, CancellationToken.None);
        Assert.Equal(App, tree.Name);
    }

    private async Task<UIElement> EnabledCheckBoxAsync() =>
        Flatten(await desktop.Remote.UITreeAsync(app: App, maxDepth: 40)).First(e => e is { Role: "check_box", Name: "checkbutton", Enabled: true });

    private void WaitForObserved(IReadOnlyList<int> path, Func<JsonElement, bool> condition, string what) =>
        XvfbFixture.WaitUntil(() => condition(desktop.Observe(App, path)), EffectDeadline, what);

    private static bool Checked(JsonElement observed) => observed.GetProperty("states").EnumerateArray().Any(s => s.GetString() == "checked");

    private static IEnumerable<UIElement> Flatten(UIElement root)
    {
        yield return root;
        foreach (var child in root.Children)
        {
            foreach (var descendant in Flatten(child))
            {
                yield return descendant;
            }
        }
    }

    private static List<int> PathOf(UIElement element) => [.. ((IEnumerable<object?>)element.Metadata["path"]!).Select(i => (int)(long)i!)];

    private static HashSet<string> States(UIElement element) => [.. ((IEnumerable<object?>)element.Metadata["states"]!).Cast<string>()];

    private static double[] Box(Rect rect) => [rect.X, rect.Y, rect.Width, rect.Height];

    private static string X11Id(string hex) => long.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
}
