using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using OpenDesk.Tests.Linux.Display;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// The one-action commands an agent with a shell uses, against <c>serve --virtual-display</c> with a real xterm and xev:
/// what they do is checked by what the apps wrote to disk, by where xdotool finds the pointer, by the image files
/// themselves, and by the exit codes scripts rely on.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed class ActionCommandsTests : IDisposable
{
    private readonly EndToEndScope _scope = new();
    private string _laptop = "";

    [XvfbFact]
    public async Task Screenshot_click_type_key_windows_and_run_drive_a_real_app_with_meaningful_exit_codes()
    {
        var desk = _scope.Home("desk");
        var laptop = _laptop = _scope.Home("laptop");
        var tablet = _scope.Home("tablet");
        var port = LocalPorts.Free();
        await _scope.PairAsync(desk, laptop, port, "desk");
        await _scope.PairAsync(desk, tablet, port, "desk");
        var serve = _scope.Start(
            new Dictionary<string, string> { ["DISPLAY"] = "" },
            "serve", "--home", desk, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--no-mdns", "--virtual-display", "1024x768");
        await serve.WaitForOutputAsync("listening on", 120);

        // run: the program's own output streams and exit code.
        var failing = await Cli("run", "desk", "--", "sh", "-c", "echo out; echo err >&2; exit 7");
        Assert.Equal(7, failing.Exit);
        Assert.Equal("out\n", failing.Out);
        Assert.Equal("err\n", failing.Err);
        var json = await Cli("run", "desk", "--json", "--", "printf", "ünï");
        Assert.Equal(0, json.Exit);
        using (var run = JsonDocument.Parse(json.Out))
        {
            Assert.Equal(0, run.RootElement.GetProperty("returncode").GetInt32());
            Assert.Equal("ünï", run.RootElement.GetProperty("stdout").GetString());
        }

        // PEER is a name, a fingerprint or a one-off URL alike.
        var deskKey = OpenDesk.Trust.Identity.LoadOrCreate(new OpenDesk.Trust.OpenDeskHome(desk)).PublicKeyHex;
        var fingerprint = new OpenDesk.Trust.TrustStore(new OpenDesk.Trust.OpenDeskHome(laptop)).FindByKey(deskKey)!.Fingerprint;
        Assert.Equal("by fingerprint\n", (await Cli("run", fingerprint, "--", "echo", "by fingerprint")).Out);
        Assert.Equal("by url\n", (await Cli("run", $"ws://127.0.0.1:{port}#{deskKey}", "--", "echo", "by url")).Out);

        // An app to drive, writing what it is typed into a file this test reads.
        var typed = Path.Combine(desk, "typed.txt");
        var started = await Cli("run", "desk", "--", "sh", "-c", $"xterm -T od-actions -geometry 60x10+100+100 -e sh -c 'cat > {typed}' >/dev/null 2>&1 &");
        Assert.True(started.Exit == 0, started.Err);
        var window = await WaitForWindowAsync("od-actions");
        var bounds = window.GetProperty("bounds");
        var table = await Cli("windows", "desk");
        Assert.Contains("od-actions", table.Out, StringComparison.Ordinal);

        var x = (int)(bounds.GetProperty("x").GetDouble() + (bounds.GetProperty("width").GetDouble() / 2));
        var y = (int)(bounds.GetProperty("y").GetDouble() + (bounds.GetProperty("height").GetDouble() / 2));
        var click = await Cli("click", "desk", Number(x), Number(y));
        Assert.True(click.Exit == 0, click.Err);
        Assert.Equal($"Clicked left at ({Number(x)}, {Number(y)}).", click.Out.Trim());
        Assert.Equal($"x:{x} y:{y}", PointerSeenBy(serve));
        var typing = await Cli("type", "desk", "héllo wörld", "--json");
        Assert.True(typing.Exit == 0, typing.Err);
        using (var result = JsonDocument.Parse(typing.Out))
        {
            Assert.Equal("type", result.RootElement.GetProperty("action").GetString());
            Assert.Equal(11, result.RootElement.GetProperty("characters").GetInt32());
        }

        Assert.Equal("Pressed return.", (await Cli("key", "desk", "Enter")).Out.Trim());
        Assert.Equal("Pressed ctrl+d.", (await Cli("key", "desk", "ctrl+d")).Out.Trim());

        // cat writes the line at Enter and exits at ctrl+d.
        Assert.Equal("héllo wörld\n", await WaitForFileAsync(typed, $"nothing typed reached {typed}", complete: text => text.EndsWith('\n')));

        // Which button, and how many presses, as xev reports them from its own window.
        var events = Path.Combine(desk, "xev.txt");
        started = await Cli("run", "desk", "--", "sh", "-c", $"xev -name od-xev -geometry 200x200+500+400 -event button > {events} 2>&1 &");
        Assert.True(started.Exit == 0, started.Err);
        var target = (await WaitForWindowAsync("od-xev")).GetProperty("bounds");
        var (tx, ty) = ((int)(target.GetProperty("x").GetDouble() + 100), (int)(target.GetProperty("y").GetDouble() + 100));
        var right = await Cli("click", "desk", Number(tx), Number(ty), "--button", "right", "--double");
        Assert.True(right.Exit == 0, right.Err);
        var presses = await WaitForPressesAsync(events, 2);
        Assert.All(presses, press => Assert.Contains($"root:({tx},{ty})", press, StringComparison.Ordinal));
        Assert.All(presses, press => Assert.Contains("button 3,", press, StringComparison.Ordinal));
        Assert.Equal(0, (await Cli("click", "desk", Number(tx), Number(ty), "--button", "middle")).Exit);
        Assert.Contains("button 2,", (await WaitForPressesAsync(events, 3))[2], StringComparison.Ordinal);

        // Screenshots: the format asked for, scaled on request, with the logical size clicks use.
        var png = Path.Combine(laptop, "shot.png");
        var shot = await Cli("screenshot", "desk", "-o", png, "--max-width", "512", "--json");
        Assert.True(shot.Exit == 0, shot.Err);
        using (var result = JsonDocument.Parse(shot.Out))
        {
            Assert.Equal(512, result.RootElement.GetProperty("width").GetInt32());
            Assert.Equal(384, result.RootElement.GetProperty("height").GetInt32());
            Assert.Equal(1024, result.RootElement.GetProperty("logical_width").GetInt32());
            Assert.Equal(768, result.RootElement.GetProperty("logical_height").GetInt32());
        }

        var header = File.ReadAllBytes(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], header[..4]);
        Assert.Equal((512u, 384u), (BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(20))));
        var jpeg = Path.Combine(laptop, "shot.jpg");
        Assert.Equal(0, (await Cli("screenshot", "desk", "-o", jpeg, "--format", "jpeg")).Exit);
        Assert.Equal([0xFF, 0xD8, 0xFF], File.ReadAllBytes(jpeg)[..3]);
        var webp = Path.Combine(laptop, "shot.webp");
        var webpShot = await Cli("screenshot", "desk", "-o", webp, "--format", "webp");
        Assert.True(webpShot.Exit == 0, webpShot.Err);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(webp)[..4]));
        Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(webp)[8..12]));

        // Bad input is a usage error before anything is sent.
        var combo = await Cli("key", "desk", "ctrl+banana+x");
        Assert.Equal(2, combo.Exit);
        Assert.StartsWith("ERROR: 'banana' in 'ctrl+banana+x' is not a modifier", combo.Err, StringComparison.Ordinal);

        // Busy (another controller holds the desk) and evicted (the desk's owner disconnects us) exit 3 and 4.
        var holder = _scope.Start("connect", "desk", "--home", tablet, "--hold");
        await holder.WaitForOutputAsync("Holding the session");
        var busy = await Cli("click", "desk", "10", "10", "--json");
        Assert.Equal(3, busy.Exit);
        using (var result = JsonDocument.Parse(busy.Out))
        {
            Assert.Equal("busy", result.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Equal(0, (await OpendeskCli.RunAsync("disconnect", "--home", desk)).Exit);
        await holder.WaitForOutputAsync("Evicted by the server");
        // The marker shows the program running, so the command is evicted while it waits for the result.
        var running = Path.Combine(desk, "running");
        var sleeper = _scope.Start("run", "desk", "--home", laptop, "--", "sh", "-c", $"touch {running}; exec sleep 30");
        await WaitForFileAsync(running, "the program run started never ran", complete: _ => true);
        Assert.Equal(0, (await OpendeskCli.RunAsync("disconnect", "--home", desk)).Exit);
        var evicted = await sleeper.WaitForExitAsync(30);
        Assert.True(evicted == 4, $"run exited {evicted} when evicted:\n{sleeper.Output}");
        Assert.Contains("ERROR: session evicted by server: admin_disconnect", sleeper.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _scope.Dispose();

    private Task<(int Exit, string Out, string Err)> Cli(params string[] args) =>
        OpendeskCli.RunAsync([args[0], "--home", _laptop, .. args[1..]]);

    private async Task<JsonElement> WaitForWindowAsync(string title)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var listing = await Cli("windows", "desk", "--json");
            Assert.True(listing.Exit == 0, listing.Err);
            using var windows = JsonDocument.Parse(listing.Out);
            foreach (var window in windows.RootElement.EnumerateArray())
            {
                if (window.GetProperty("title").GetString() == title && window.GetProperty("bounds").ValueKind == JsonValueKind.Object)
                {
                    return window.Clone();
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"no window {title}: {listing.Out}");
            await Task.Delay(250);
        }
    }

    /// <summary>The pointer position as xdotool, an observer of its own, reads it from the display serve started.</summary>
    private static string PointerSeenBy(RunningCommand serve) =>
        string.Join(' ', EndToEndScope.Observe(EndToEndScope.VirtualDisplayOf(serve), "xdotool", "getmouselocation").Split(' ')[..2]);

    /// <summary>The ButtonPress events xev wrote to <paramref name="path"/>, once there are at least <paramref name="count"/>.</summary>
    private static async Task<string[]> WaitForPressesAsync(string path, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var presses = File.Exists(path)
                ? File.ReadAllText(path).Split("\n\n").Where(e => e.TrimStart().StartsWith("ButtonPress event", StringComparison.Ordinal)).ToArray()
                : [];
            if (presses.Length >= count)
            {
                return presses;
            }

            Assert.True(DateTime.UtcNow < deadline, $"xev saw {presses.Length} presses, not {count}");
            await Task.Delay(100);
        }
    }

    private static async Task<string> WaitForFileAsync(string path, string failure, Func<string, bool> complete)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (File.Exists(path) && File.ReadAllText(path) is var text && complete(text))
            {
                return text;
            }

            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100);
        }
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
