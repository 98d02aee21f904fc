using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenDesk.Tests.EndToEnd;
using OpenDesk.Tests.Linux;
using OpenDesk.Tests.Linux.Accessibility;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Mcp.EndToEnd;

/// <summary>
/// Set-of-Marks and the <c>ui</c> tool through the real <c>opendesk mcp</c> and a real serve on an accessible desktop
/// running gtk3-widget-factory; pyatspi, in its own process, observes what the actions did.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed partial class McpAccessibilityTests(AtSpiDesktopFixture desktop) : IClassFixture<AtSpiDesktopFixture>, IAsyncLifetime
{
    private const string App = AtSpiDesktopFixture.WidgetFactory;

    private readonly EndToEndScope _scope = new();
    private string _laptop = "";

    public async Task InitializeAsync()
    {
        if (AtSpiDesktopFixture.SkipReason is not null)
        {
            return;
        }

        var deskHome = _scope.Home("a11y-desk");
        _laptop = _scope.Home("a11y-laptop");
        var desk = Identity.LoadOrCreate(new OpenDeskHome(deskHome));
        new TrustStore(new OpenDeskHome(deskHome)).Add(Identity.LoadOrCreate(new OpenDeskHome(_laptop)).PublicKey, "laptop", PeerRole.Controller);
        var port = LocalPorts.Free();
        var trust = new TrustStore(new OpenDeskHome(_laptop));
        trust.Add(desk.PublicKey, "desk", PeerRole.Remote);
        trust.CacheEndpoint(desk.PublicKey, "127.0.0.1", port);
        var serve = _scope.Start(desktop.Env, "serve", "--home", deskHome, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--no-mdns");
        await serve.WaitForOutputAsync("listening on", 120);
    }

    public Task DisposeAsync()
    {
        _scope.Dispose();
        return Task.CompletedTask;
    }

    [AtSpiFact]
    public async Task Ui_find_lists_matches_and_invoke_toggles_one_and_sets_an_entry()
    {
        await using var mcp = await McpSession.StartStdioAsync(_laptop, McpDeskFixture.Headless);
        var found = (await mcp.CallAsync("ui", $$"""{"action":"find","app":"{{App}}","role":"check","name":"checkbutton","limit":10}""")).Ok();
        Assert.Contains("check_box \"checkbutton\"", found.Text, StringComparison.Ordinal);
        var box = ElementLine().Matches(found.Text).FirstOrDefault(m => m.Groups[1].Value == "check_box" && !m.Value.Contains("[disabled]", StringComparison.Ordinal));
        Assert.True(box is not null, $"no enabled check button with an id and bounds among:\n{found.Text}");
        var (x, y) = Centre(box);
        var before = Checked(ObservedAt(x, y, n => n.GetProperty("name").GetString() == "checkbutton"));

        (await mcp.CallAsync("ui", $$"""{"action":"invoke","id":"{{box.Groups[7].Value}}","element_action":"toggle"}""")).Ok();
        XvfbFixture.WaitUntil(() => Checked(ObservedAt(x, y, n => n.GetProperty("name").GetString() == "checkbutton")) != before, TimeSpan.FromSeconds(15), "the check button to change state");

        var entries = (await mcp.CallAsync("ui", $$"""{"action":"find","app":"{{App}}","role":"text","limit":50}""")).Ok();
        var entry = ElementLine().Matches(entries.Text).FirstOrDefault(m => !m.Value.Contains("[disabled]", StringComparison.Ordinal) && m.Value.Contains("set_value", StringComparison.Ordinal));
        Assert.True(entry is not null, $"no enabled editable text with an id and bounds among:\n{entries.Text}");
        var (ex, ey) = Centre(entry);
        (await mcp.CallAsync("ui", $$"""{"action":"invoke","id":"{{entry.Groups[7].Value}}","element_action":"set_value","value":"typed by mcp ✓"}""")).Ok();
        XvfbFixture.WaitUntil(
            () => ObservedAt(ex, ey, n => n.TryGetProperty("text", out _)).GetProperty("text").GetString() == "typed by mcp ✓", TimeSpan.FromSeconds(15), "the entry to hold the new text");

        var missing = (await mcp.CallAsync("ui", $$"""{"action":"invoke","app":"{{App}}","role":"push_button","name":"no such button anywhere"}""")).Failed();
        Assert.Contains("No element matching role 'push_button' and name 'no such button anywhere'", missing.Text, StringComparison.Ordinal);
    }

    [AtSpiFact]
    public async Task A_marked_screenshot_lists_marks_and_mouse_mark_clicks_the_element_it_names()
    {
        await using var mcp = await McpSession.StartStdioAsync(_laptop, McpDeskFixture.Headless);
        desktop.X.Run("xdotool", "search", "--sync", "--onlyvisible", "--class", App, "windowactivate", "--sync");
        var shot = (await mcp.CallAsync("screenshot", """{"marks":true}""")).Ok();
        Assert.NotNull(shot.Image);
        var mark = MarkLine().Matches(shot.Text).FirstOrDefault(m => m.Groups[2].Value == "check_box" && m.Groups[3].Value == "checkbutton");
        Assert.True(mark is not null, $"no check button among the marks:\n{shot.Text}");

        // The legend gives the centre in the image; pyatspi says which element is there on the screen.
        var scale = double.Parse(Scale().Match(shot.Text).Groups[1].Value, CultureInfo.InvariantCulture);
        var x = (int)(double.Parse(mark.Groups[4].Value, CultureInfo.InvariantCulture) / scale);
        var y = (int)(double.Parse(mark.Groups[5].Value, CultureInfo.InvariantCulture) / scale);
        var before = Checked(ObservedAt(x, y, n => n.GetProperty("name").GetString() == "checkbutton"));

        var click = (await mcp.CallAsync("mouse", $$"""{"action":"click","mark":{{mark.Groups[1].Value}}}""")).Ok();
        Assert.Contains($"(mark {mark.Groups[1].Value}: check_box \"checkbutton\")", click.Text, StringComparison.Ordinal);
        XvfbFixture.WaitUntil(() => Checked(ObservedAt(x, y, n => n.GetProperty("name").GetString() == "checkbutton")) != before, TimeSpan.FromSeconds(15), "the marked check button to change state");
    }

    /// <summary>The deepest object pyatspi finds at a screen point that <paramref name="pick"/> accepts.</summary>
    private JsonElement ObservedAt(int x, int y, Func<JsonElement, bool> pick)
    {
        var chain = desktop.ObserveAt(App, x, y);
        return chain.EnumerateArray().Last(pick);
    }

    private static (int X, int Y) Centre(Match element)
    {
        double Value(int group) => double.Parse(element.Groups[group].Value, CultureInfo.InvariantCulture);
        return ((int)(Value(3) + (Value(5) / 2)), (int)(Value(4) + (Value(6) / 2)));
    }

    private static bool Checked(JsonElement observed) => observed.GetProperty("states").EnumerateArray().Any(s => s.GetString() == "checked");

    [GeneratedRegex(@"^\s*(\w+)(?: ""((?:[^""\\]|\\.)*)"")?.* at \(([0-9.-]+), ([0-9.-]+)\) ([0-9.]+)x([0-9.]+).* id=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex ElementLine();

    [GeneratedRegex(@"^(\d+): (\w+) ""([^""]*)"" at \((\d+), (\d+)\)", RegexOptions.Multiline)]
    private static partial Regex MarkLine();

    [GeneratedRegex(@"scale ([0-9.]+) image px")]
    private static partial Regex Scale();
}
