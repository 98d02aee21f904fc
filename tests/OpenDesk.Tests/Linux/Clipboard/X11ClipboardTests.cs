using System.Diagnostics;
using System.Text;
using OpenDesk.Computer;
using OpenDesk.Linux.Clipboard;
using OpenDesk.Linux.Processes;
using OpenDesk.Linux.X11;
using OpenDesk.Tests.Linux.Display;

namespace OpenDesk.Tests.Linux.Clipboard;

public sealed class X11ClipboardTests : IClassFixture<XvfbFixture>
{
    private const string NonAscii = "héllo wörld → 世界 🎉\nsecond line";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly XvfbFixture _x;
    private readonly ProcessRunner _runner = new();

    public X11ClipboardTests(XvfbFixture x)
    {
        _x = x;
    }

    [XvfbFact]
    public async Task Write_TextIsPastedByXclip()
    {
        using var clipboard = X11Clipboard.Open(_x.DisplayName);

        await clipboard.WriteClipboardAsync(ClipboardContents.FromText(NonAscii));

        Assert.Equal(NonAscii, Encoding.UTF8.GetString(await XclipOutAsync("UTF8_STRING")));
        Assert.Equal(NonAscii, Encoding.UTF8.GetString(await XclipOutAsync("text/plain;charset=utf-8")));
    }

    [XvfbFact]
    public async Task Write_OffersTheTextTargetsAndLatin1String()
    {
        using var clipboard = X11Clipboard.Open(_x.DisplayName);

        await clipboard.WriteClipboardAsync(ClipboardContents.FromText("café"));

        var targets = Encoding.UTF8.GetString(await XclipOutAsync("TARGETS")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Subset(new HashSet<string>(targets), new HashSet<string> { "TARGETS", "TIMESTAMP", "UTF8_STRING", "STRING", "TEXT", "text/plain", "text/plain;charset=utf-8" });
        Assert.Equal(new byte[] { 0x63, 0x61, 0x66, 0xe9 }, await XclipOutAsync("STRING"));
    }

    [XvfbFact]
    public async Task Read_TextCopiedByXclip()
    {
        using var clipboard = X11Clipboard.Open(_x.DisplayName);

        await XclipInAsync(Encoding.UTF8.GetBytes(NonAscii), "UTF8_STRING");

        var contents = await ReadUntilAsync(clipboard, c => c.Text == NonAscii);
        var entry = Assert.Single(contents.Entries);
        Assert.Equal(ClipboardEntry.TextMimeType, entry.MimeType);
    }

    [XvfbFact]
    public async Task Png_RoundTripsInBothDirections()
    {
        using var clipboard = X11Clipboard.Open(_x.DisplayName);
        var png = FakePng(100_000, seed: 1);
        var other = FakePng(50_000, seed: 2);

        await clipboard.WriteClipboardAsync(new ClipboardContents { Entries = [new ClipboardEntry("image/png", png)] });
        var pasted = await XclipOutAsync("image/png");
        await XclipInAsync(other, "image/png");
        var read = await ReadUntilAsync(clipboard, c => c.Entries.Any(e => e.MimeType == "image/png" && e.Data.AsSpan().SequenceEqual(other)));

        Assert.Equal(png, pasted);
        Assert.Null(read.Text);
    }

    [XvfbFact]
    public async Task LargeText_UsesIncrInBothDirections()
    {
        using var clipboard = X11Clipboard.Open(_x.DisplayName);
        var large = LargeText(5 * 1024 * 1024, 'a');
        var fromXclip = LargeText(5 * 1024 * 1024, 'k');

        await clipboard.WriteClipboardAsync(ClipboardContents.FromText(large));
        var pasted = Encoding.UTF8.GetString(await XclipOutAsync("UTF8_STRING"));
        await XclipInAsync(Encoding.UTF8.GetBytes(fromXclip), "UTF8_STRING");
        var read = await ReadUntilAsync(clipboard, c => c.Text == fromXclip);

        Assert.Equal(large, pasted);
        Assert.Equal(fromXclip, read.Text);
    }

    [XvfbFact]
    public async Task TwoClipboards_ReadEachOtherIncludingLargeContent()
    {
        using var writer = X11Clipboard.Open(_x.DisplayName);
        using var reader = X11Clipboard.Open(_x.DisplayName);
        var large = LargeText(3 * 1024 * 1024, 'q');
        var png = FakePng(400_000, seed: 3);

        await writer.WriteClipboardAsync(new ClipboardContents { Entries = [ClipboardContents.FromText(large).Entries[0], new ClipboardEntry("image/png", png)] });
        var read = await reader.ReadClipboardAsync();
        var own = await writer.ReadClipboardAsync();

        Assert.Equal(large, read.Text);
        Assert.Equal(png, Assert.Single(read.Entries, e => e.MimeType == "image/png").Data);
        Assert.Equal(large, own.Text);
        Assert.Equal(read.Entries.Select(e => e.MimeType), own.Entries.Select(e => e.MimeType));
    }

    [XvfbFact]
    public async Task Read_WithNoOwnerIsEmptyAtOnce()
    {
        using var clipboard = X11Clipboard.Open(_x.DisplayName);
        await clipboard.WriteClipboardAsync(new ClipboardContents());

        var stopwatch = Stopwatch.StartNew();
        using var fresh = X11Clipboard.Open(_x.DisplayName);
        var contents = await fresh.ReadClipboardAsync();

        Assert.Empty(contents.Entries);
        // Not waiting for an owner's reply is the point: that would take the whole reply timeout.
        Assert.True(stopwatch.Elapsed < X11Clipboard.ReplyTimeout, $"took {stopwatch.Elapsed}");
    }

    [XvfbFact]
    public async Task Read_FromAnOwnerThatNeverAnswersIsEmptyAfterTheTimeout()
    {
        using var clipboard = X11Clipboard.Open(_x.DisplayName);
        using (var silent = XDisplayConnection.Open(_x.DisplayName))
        {
            silent.Run(d =>
            {
                var window = Xlib.XCreateSimpleWindow(d, silent.Root, 0, 0, 1, 1, 0, 0, 0);
                Xlib.XSetSelectionOwner(d, Xlib.XInternAtom(d, "CLIPBOARD", Xlib.False), window, Xlib.CurrentTime);
                Xlib.XSync(d, Xlib.False);
            });

            var stopwatch = Stopwatch.StartNew();
            var contents = await clipboard.ReadClipboardAsync();

            Assert.Empty(contents.Entries);
            // The upper bound only proves the read gives up rather than hangs; a loaded machine adds seconds.
            Assert.InRange(stopwatch.Elapsed, X11Clipboard.ReplyTimeout * 0.9, X11Clipboard.ReplyTimeout * 5);
        }

        // The clipboard still works after the bad owner.
        await clipboard.WriteClipboardAsync(ClipboardContents.FromText("after"));
        Assert.Equal("after", Encoding.UTF8.GetString(await XclipOutAsync("UTF8_STRING")));
    }

    private async Task<byte[]> XclipOutAsync(string target)
    {
        var result = await _runner.ExecAsync(["xclip", "-selection", "clipboard", "-t", target, "-o"], timeout: 20, env: _x.Env);
        Assert.True(result.Returncode == 0, $"xclip -o -t {target} failed ({result.Returncode}): {Encoding.UTF8.GetString(result.Stderr)}");
        return result.Stdout;
    }

    /// <summary>xclip keeps serving from a background process; its stdio goes to /dev/null so the call returns.</summary>
    private async Task XclipInAsync(byte[] data, string target)
    {
        var result = await _runner.ExecAsync(["sh", "-c", $"xclip -selection clipboard -t '{target}' -i >/dev/null 2>&1"], timeout: 20, env: _x.Env, stdin: data);
        Assert.Equal(0, result.Returncode);
    }

    /// <summary>xclip takes the selection after it forks, so a read right after it returns may still see the old owner.</summary>
    private static async Task<ClipboardContents> ReadUntilAsync(X11Clipboard clipboard, Func<ClipboardContents, bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var contents = await clipboard.ReadClipboardAsync();
            if (condition(contents))
            {
                return contents;
            }

            if (stopwatch.Elapsed > Patience)
            {
                Assert.Fail($"clipboard never matched; last read: {string.Join(", ", contents.Entries.Select(e => $"{e.MimeType} ({e.Data.Length} bytes)"))}");
            }

            await Task.Delay(25);
        }
    }

    private static byte[] FakePng(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a }.CopyTo(data, 0);
        return data;
    }

    /// <summary>Multi-byte characters throughout, so a chunk boundary splitting one would show up as corruption.</summary>
    private static string LargeText(int bytes, char seed)
    {
        var builder = new StringBuilder(bytes);
        var length = 0;
        for (var line = 0; length < bytes; line++)
        {
            var text = $"{seed} line {line} → ü 世界\n";
            builder.Append(text);
            length += Encoding.UTF8.GetByteCount(text);
        }

        return builder.ToString();
    }
}
