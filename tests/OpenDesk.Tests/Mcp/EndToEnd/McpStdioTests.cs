using System.Globalization;
using System.Text.RegularExpressions;
using OpenDesk.Tests.EndToEnd;
using OpenDesk.Tests.Linux;
using OpenDesk.Tests.Linux.Display;
using OpenDesk.Tests.Linux.Windows;
using OpenDesk.Trust;
using SkiaSharp;

namespace OpenDesk.Tests.Mcp.EndToEnd;

/// <summary>
/// The C# SDK's MCP client drives a real <c>opendesk serve</c> on Xvfb through the real <c>opendesk mcp</c> over stdio;
/// what happens on the desk is checked with xdotool and the files its apps write.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed partial class McpStdioTests(McpDeskFixture desk) : IClassFixture<McpDeskFixture>
{
    [XvfbFact]
    public async Task Lists_every_tool_with_a_valid_schema()
    {
        await using var mcp = await McpSession.StartStdioAsync(desk.LaptopHome, McpDeskFixture.Headless);
        var tools = await mcp.Client.ListToolsAsync();
        foreach (var tool in tools)
        {
            ToolSchemaAssert.Valid(tool.Name, tool.ProtocolTool.InputSchema);
        }

        Assert.Contains(tools, t => t.Name == "screenshot" && t.ProtocolTool.Annotations!.ReadOnlyHint == true);
        Assert.Contains(tools, t => t.Name == "shell" && t.ProtocolTool.Annotations!.DestructiveHint == true);
        Assert.Equal(18, tools.Count);
    }

    [XvfbFact]
    public async Task A_screenshot_fits_an_agent_and_reports_the_scale_it_was_taken_at()
    {
        await using var mcp = await McpSession.StartStdioAsync(desk.LaptopHome, McpDeskFixture.Headless);
        var shot = (await mcp.CallAsync("screenshot")).Ok();

        var image = shot.Image!;
        Assert.Equal("image/png", image.MimeType);
        Assert.True(image.DecodedData.Length <= 1_000_000, $"{image.DecodedData.Length} bytes");
        using var bitmap = SKBitmap.Decode(image.DecodedData.ToArray());
        var reported = ImageLine().Match(shot.Text);
        Assert.True(reported.Success, shot.Text);
        Assert.Equal(bitmap.Width, int.Parse(reported.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(bitmap.Height, int.Parse(reported.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal("1920x1080", reported.Groups[3].Value);
        var scale = double.Parse(reported.Groups[4].Value, CultureInfo.InvariantCulture);
        Assert.Equal(1280, Math.Max(bitmap.Width, bitmap.Height));
        Assert.Equal(bitmap.Width / 1920.0, scale, 4);
        Assert.Equal(bitmap.Height / 1080.0, scale, 2);
        Assert.Contains("desk 'desk'", shot.Text, StringComparison.Ordinal);
    }

    [XvfbFact]
    public async Task A_click_at_coordinates_read_off_a_scaled_screenshot_lands_on_that_window()
    {
        var (_, target) = X11Observer.StartXterm(desk.X, "mcp-target", "-geometry", "30x6+1300+700", "-bg", "red");
        var (_, other) = X11Observer.StartXterm(desk.X, "mcp-other", "-geometry", "30x6+200+150", "-bg", "white");
        desk.X.Run("xdotool", "windowactivate", "--sync", other.ToString(CultureInfo.InvariantCulture));

        await using var mcp = await McpSession.StartStdioAsync(desk.LaptopHome, McpDeskFixture.Headless);
        var shot = (await mcp.CallAsync("screenshot")).Ok();
        var (x, y) = RedCentre(shot.Image!.DecodedData.ToArray());

        var click = (await mcp.CallAsync("mouse", $$"""{"action":"click","x":{{x}},"y":{{y}}}""")).Ok();

        XvfbFixture.WaitUntil(() => X11Observer.ActiveWindow(desk.X) == target, X11Observer.Deadline, "the red xterm to take the focus");
        var pointer = X11Observer.PointerLocation(desk.X);
        var geometry = X11Observer.ClientGeometry(desk.X, target);
        Assert.InRange(pointer.X, geometry.X, geometry.X + geometry.Width);
        Assert.InRange(pointer.Y, geometry.Y, geometry.Y + geometry.Height);
        var landed = LogicalPoint().Match(click.Text);
        Assert.True(landed.Success, click.Text);
        Assert.InRange(double.Parse(landed.Groups[1].Value, CultureInfo.InvariantCulture), pointer.X - 1, pointer.X + 1);
        Assert.InRange(double.Parse(landed.Groups[2].Value, CultureInfo.InvariantCulture), pointer.Y - 1, pointer.Y + 1);
    }

    [XvfbFact]
    public async Task Unicode_text_typed_through_mcp_reaches_the_app()
    {
        var file = Path.Combine(desk.Scope.Home("mcp-typed"), "typed.txt");
        var (_, id) = X11Observer.StartXterm(desk.X, "mcp-cat", "-geometry", "60x8+40+40", "-e", "sh", "-c", $"exec cat > '{file}'");
        desk.X.Run("xdotool", "windowactivate", "--sync", id.ToString(CultureInfo.InvariantCulture));
        XvfbFixture.WaitUntil(() => File.Exists(file), X11Observer.Deadline, "cat to start in the terminal");

        await using var mcp = await McpSession.StartStdioAsync(desk.LaptopHome, McpDeskFixture.Headless);
        const string text = "héllo wörld ✓ 日本語 Ω ß";
        (await mcp.CallAsync("keyboard", $$"""{"action":"type","text":"{{text}}"}""")).Ok();
        (await mcp.CallAsync("keyboard", """{"action":"press","key":"return"}""")).Ok();

        var written = "";
        try
        {
            XvfbFixture.WaitUntil(() => (written = ReadShared(file)) == text + "\n", X11Observer.Deadline, "cat to write the typed line");
        }
        catch (TimeoutException)
        {
            Assert.Equal(text + "\n", written);
        }
    }

    [XvfbFact]
    public async Task Calls_go_to_the_chosen_desk_and_say_which_ones_there_are_when_none_is()
    {
        var home = desk.TrustedController("router");
        using var refusing = LocalPorts.Refusing();
        var ghostKey = Identity.LoadOrCreate(new OpenDeskHome(desk.Scope.Home("mcp-ghost"))).PublicKey;
        var trust = new TrustStore(new OpenDeskHome(home));
        trust.Add(ghostKey, "ghost", PeerRole.Remote);
        trust.CacheEndpoint(ghostKey, "127.0.0.1", LocalPorts.PortOf(refusing));

        await using var mcp = await McpSession.StartStdioAsync(home, McpDeskFixture.Headless);
        var ambiguous = (await mcp.CallAsync("screenshot")).Failed();
        Assert.Contains("Several desks are paired (desk, ghost) and none is chosen", ambiguous.Text, StringComparison.Ordinal);
        Assert.Contains("opendesk_use", ambiguous.Text, StringComparison.Ordinal);

        var ghost = (await mcp.CallAsync("screenshot", """{"peer":"ghost"}""")).Failed();
        Assert.Contains("Cannot reach desk 'ghost'", ghost.Text, StringComparison.Ordinal);

        var unknown = (await mcp.CallAsync("mouse", """{"action":"position","peer":"nowhere"}""")).Failed();
        Assert.Contains("No paired desk is named 'nowhere'", unknown.Text, StringComparison.Ordinal);
        Assert.Contains("desk, ghost", unknown.Text, StringComparison.Ordinal);

        var local = (await mcp.CallAsync("screenshot", """{"peer":"local"}""")).Failed();
        Assert.Contains("This machine has no desktop to control", local.Text, StringComparison.Ordinal);

        (await mcp.CallAsync("opendesk_use", """{"peer":"desk"}""")).Ok();
        var shot = (await mcp.CallAsync("screenshot")).Ok();
        Assert.Contains("Screenshot of desk 'desk'", shot.Text, StringComparison.Ordinal);
        var status = (await mcp.CallAsync("opendesk_status")).Ok();
        Assert.Contains("Calls without peer drive 'desk': chosen with opendesk_use", status.Text, StringComparison.Ordinal);
        Assert.Contains("Open: desk", status.Text, StringComparison.Ordinal);
    }

    [XvfbFact]
    public async Task The_lone_paired_desk_is_the_default()
    {
        await using var mcp = await McpSession.StartStdioAsync(desk.LaptopHome, McpDeskFixture.Headless);
        var status = (await mcp.CallAsync("opendesk_status")).Ok();
        Assert.Contains("Calls without peer drive 'desk': the only paired desk", status.Text, StringComparison.Ordinal);
        var position = (await mcp.CallAsync("mouse", """{"action":"position"}""")).Ok();
        Assert.Contains("The pointer of desk 'desk' is at logical", position.Text, StringComparison.Ordinal);
    }

    [XvfbFact]
    public async Task A_busy_desk_answers_with_the_server_s_words_and_what_to_do()
    {
        var holderHome = desk.TrustedController("holder");
        using var holder = OpendeskCli.StartLongRunning("connect", McpDeskFixture.DeskName, "--hold", "--home", holderHome);
        await holder.WaitForOutputAsync("Holding the session");

        await using var mcp = await McpSession.StartStdioAsync(desk.LaptopHome, McpDeskFixture.Headless);
        var busy = (await mcp.CallAsync("screenshot")).Failed();
        Assert.Contains("\"server is busy: holder is the active controller. Disconnect them to take over.\"", busy.Text, StringComparison.Ordinal);
        Assert.Contains("`opendesk disconnect`", busy.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", busy.Text, StringComparison.Ordinal);

        holder.Signal("INT");
        await holder.WaitForExitAsync();
        (await mcp.CallAsync("screenshot")).Ok();
    }

    [XvfbFact]
    public async Task Eviction_and_unpairing_come_back_as_errors_that_say_what_happened()
    {
        var home = desk.TrustedController("revoked");
        await using var mcp = await McpSession.StartStdioAsync(home, McpDeskFixture.Headless);
        (await mcp.CallAsync("mouse", """{"action":"position"}""")).Ok();

        var disconnect = await OpendeskCli.RunAsync("disconnect", "--home", desk.DeskHome);
        Assert.Equal("Disconnected the active controller.", disconnect.Out.Trim());
        var evicted = (await mcp.CallAsync("mouse", """{"action":"position"}""")).Failed();
        Assert.Contains("ended this controller's session", evicted.Text, StringComparison.Ordinal);
        Assert.Contains("does not take the desk back on its own", evicted.Text, StringComparison.Ordinal);

        // Calling again is a new decision, and connects anew.
        (await mcp.CallAsync("mouse", """{"action":"position"}""")).Ok();

        var unpair = await OpendeskCli.RunAsync("unpair", "revoked", "--home", desk.DeskHome);
        Assert.Equal(0, unpair.Exit);
        (await mcp.CallAsync("mouse", """{"action":"position"}""")).Failed();
        var refused = (await mcp.CallAsync("mouse", """{"action":"position"}""")).Failed();
        Assert.Contains("no longer accepts this controller", refused.Text, StringComparison.Ordinal);
        Assert.Contains("`opendesk pair`", refused.Text, StringComparison.Ordinal);
    }

    [XvfbFact]
    public async Task A_desk_removed_from_this_controller_s_peers_is_not_driven_through_the_connection_still_open()
    {
        var home = desk.TrustedController("forgetful");
        await using var mcp = await McpSession.StartStdioAsync(home, McpDeskFixture.Headless);
        (await mcp.CallAsync("mouse", """{"action":"position"}""")).Ok();

        var removed = await OpendeskCli.RunAsync("peers", "remove", McpDeskFixture.DeskName, "--home", home);
        Assert.True(removed.Exit == 0, removed.Err);

        var refused = (await mcp.CallAsync("mouse", """{"action":"position","peer":"desk"}""")).Failed();
        Assert.Contains("No paired desk is named 'desk'", refused.Text, StringComparison.Ordinal);

        // The connection itself is closed: the desk's single slot is free again.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var sessions = await DeskSessionsAsync();
        while (sessions != "[]" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            sessions = await DeskSessionsAsync();
        }

        Assert.Equal("[]", sessions);

        async Task<string> DeskSessionsAsync() => (await OpendeskCli.RunAsync("sessions", "--json", "--home", desk.DeskHome)).Out.Trim();
    }

    [XvfbFact]
    public async Task Local_drives_this_machine_without_any_serve()
    {
        var home = desk.Scope.Home("mcp-alone");
        await using var mcp = await McpSession.StartStdioAsync(home, new Dictionary<string, string> { ["DISPLAY"] = desk.X.DisplayName });
        var status = (await mcp.CallAsync("opendesk_status")).Ok();
        Assert.Contains("this machine (local): no desk is paired", status.Text, StringComparison.Ordinal);

        var shot = (await mcp.CallAsync("screenshot")).Ok();
        Assert.Contains("Screenshot of this machine", shot.Text, StringComparison.Ordinal);
        (await mcp.CallAsync("mouse", """{"action":"move","x":640,"y":360}""")).Ok();
        Assert.Equal((960, 540), X11Observer.PointerLocation(desk.X));
    }

    /// <summary>The middle of the red pixels of a screenshot, in its own pixels.</summary>
    private static (int X, int Y) RedCentre(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        long sumX = 0, sumY = 0, count = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel.Red > 200 && pixel.Green < 60 && pixel.Blue < 60)
                {
                    sumX += x;
                    sumY += y;
                    count++;
                }
            }
        }

        Assert.True(count > 100, "the red xterm is not in the screenshot");
        return ((int)(sumX / count), (int)(sumY / count));
    }

    private static string ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream, System.Text.Encoding.UTF8).ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }

    [GeneratedRegex(@"^Clicked at logical \(([0-9.]+), ([0-9.]+)\)")]
    private static partial Regex LogicalPoint();

    [GeneratedRegex(@"image (\d+)x(\d+) \(png, [^)]*\); screen (\d+x\d+) logical; scale ([0-9.]+) image px per logical px")]
    private static partial Regex ImageLine();
}
