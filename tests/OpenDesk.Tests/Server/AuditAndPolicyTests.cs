using System.Text.Json;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using OpenDesk.Server.Policy;

namespace OpenDesk.Tests.Server;

public class AuditAndPolicyTests
{
    [Fact]
    public async Task X8_audit_lines_bracket_a_session_with_sorted_keys_and_the_peer()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var client = await fixture.ConnectAsync(fixture.AddController("laptop"));
        await client.CursorPositionAsync();
        await client.DisposeAsync();
        await ServerFixture.EventuallyAsync(() => AuditLines(fixture).Count >= 3, "three audit lines");

        var lines = AuditLines(fixture);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["session.opened", "call", "session.closed"], entries.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("serve", entries[0].GetProperty("mode").GetString());
        var sessionId = entries[0].GetProperty("session_id").GetString();
        Assert.Equal("display.cursor_position", entries[1].GetProperty("method").GetString());
        Assert.Equal("ok", entries[1].GetProperty("outcome").GetString());
        Assert.Equal("display.cursor_position", entries[1].GetProperty("summary").GetString());
        Assert.Equal(sessionId, entries[2].GetProperty("session_id").GetString());
        Assert.Equal("", entries[2].GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Number, entries[2].GetProperty("duration").ValueKind);
        foreach (var (line, entry) in lines.Zip(entries))
        {
            var keys = entry.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
            Assert.Equal(16, entry.GetProperty("peer").GetProperty("fp").GetString()!.Length);
            Assert.Equal("laptop", entry.GetProperty("peer").GetProperty("name").GetString());
            Assert.Contains("\", \"", line, StringComparison.Ordinal);
        }

        var file = Directory.GetFiles(fixture.Home.AuditDirectory).Single();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fixture.Home.AuditDirectory));
    }

    [Fact]
    public async Task A_busy_rejection_and_a_bump_are_audited_in_order()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var a = fixture.AddController("laptop");
        await using var first = await fixture.ConnectAsync(a);
        await Assert.ThrowsAsync<BusyException>(() => fixture.ConnectAsync(fixture.AddController("tablet")));
        await using var second = await fixture.ConnectAsync(a);
        await ServerFixture.EventuallyAsync(() => AuditLines(fixture).Count >= 4, "four audit lines");

        var entries = AuditLines(fixture).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("session.opened", entries[0].GetProperty("type").GetString());
        Assert.Equal("session.rejected", entries[1].GetProperty("type").GetString());
        Assert.Equal("busy: laptop", entries[1].GetProperty("reason").GetString());
        Assert.Equal("tablet", entries[1].GetProperty("peer").GetProperty("name").GetString());
        var rest = entries.Skip(2).Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("session.opened", rest);
        Assert.Contains("session.closed", rest);
    }

    [Fact]
    public async Task Console_approval_allows_on_yes_denies_otherwise_and_never_asks_for_observations()
    {
        var output = new StringWriter();
        var policy = new ConsolePolicy(new StringReader("y\nno\n"), output);
        await using var fixture = await ServerFixture.StartAsync(policy: policy);
        await using var client = await fixture.ConnectAsync(fixture.AddController("laptop"));

        Assert.Equal(50, (await client.CursorPositionAsync()).X);
        await client.PointerAsync(new PointerEvent(PointerAction.Move, new Point(812, 410)));
        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() => client.TypeTextAsync("hello world"));

        Assert.Equal("laptop denied: type 11 chars: 'hello world'", denied.Detail);
        Assert.Single(fixture.Computer.PointerEvents);
        Assert.Equal(
            "\n[opendesk] laptop wants to send pointer move at (812.0, 410.0). Allow? [y/N] \n[opendesk] laptop wants to type 11 chars: 'hello world'. Allow? [y/N] ",
            output.ToString());
        var call = AuditLines(fixture).Select(l => JsonDocument.Parse(l).RootElement).Last(e => e.GetProperty("type").GetString() == "call");
        Assert.Equal("permission_denied", call.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Without_a_terminal_every_gated_call_is_denied()
    {
        var policy = new ConsolePolicy(null, TextWriter.Null);
        await using var fixture = await ServerFixture.StartAsync(policy: policy);
        await using var client = await fixture.ConnectAsync(fixture.AddController("laptop"));

        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() => client.PressAsync("a"));

        Assert.Equal("laptop → send key down 'a': no TTY for interactive approval", denied.Detail);
        Assert.Equal(50, (await client.CursorPositionAsync()).X);
    }

    [Fact]
    public async Task Console_approval_asks_before_a_read_inside_the_servers_home_and_says_why()
    {
        var output = new StringWriter();
        var policy = new ConsolePolicy(new StringReader("n\n"), output);
        await using var fixture = await ServerFixture.StartAsync(policy: policy);
        await using var client = await fixture.ConnectAsync(fixture.AddController("laptop"));
        var key = Path.Combine(fixture.Home.Path, "identity.key");

        // An ordinary read stays an observation: nobody is asked, and the fake desktop then has no files to read.
        var passed = await Assert.ThrowsAnyAsync<ProtocolException>(() => client.ReadFileAsync("/etc/hostname"));
        Assert.Equal(ErrorCodes.CapabilityUnsupported, passed.Code);
        Assert.Equal("", output.ToString());

        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() => client.ReadFileAsync(key));

        var summary = $"read file: {key} (inside the opendesk home, which holds this desk's private key and trust store)";
        Assert.Equal($"laptop denied: {summary}", denied.Detail);
        Assert.Equal($"\n[opendesk] laptop wants to {summary}. Allow? [y/N] ", output.ToString());
        await ServerFixture.EventuallyAsync(() => AuditLines(fixture).Count(l => l.Contains("\"call\"", StringComparison.Ordinal)) >= 2, "two audited calls");
        var call = AuditLines(fixture).Select(l => JsonDocument.Parse(l).RootElement).Last(e => e.GetProperty("type").GetString() == "call");
        Assert.Equal(summary, call.GetProperty("summary").GetString());
        Assert.Equal("permission_denied", call.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task The_default_policy_lets_the_home_be_read_and_the_audit_names_it()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync(fixture.AddController("laptop"));
        var key = Path.Combine(fixture.Home.Path, "identity.key");

        // Allowed through to the desktop, whose answer (no files here) proves the policy did not stop it.
        var passed = await Assert.ThrowsAnyAsync<ProtocolException>(() => client.ReadFileAsync(key));

        Assert.Equal(ErrorCodes.CapabilityUnsupported, passed.Code);
        await ServerFixture.EventuallyAsync(() => AuditLines(fixture).Any(l => l.Contains("\"call\"", StringComparison.Ordinal)), "the audited call");
        var call = AuditLines(fixture).Select(l => JsonDocument.Parse(l).RootElement).Last(e => e.GetProperty("type").GetString() == "call");
        Assert.Equal($"read file: {key} (inside the opendesk home, which holds this desk's private key and trust store)", call.GetProperty("summary").GetString());
    }

    [Theory]
    [InlineData("input.text", "{\"text_input\": {\"text\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}", "type 44 chars: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…'")]
    [InlineData("process.shell", "{\"command\": \"echo it's\"}", "run shell: \"echo it's\"")]
    [InlineData("fs.move", "{\"src\": \"/a\", \"dst\": \"/b\"}", "move /a → /b")]
    [InlineData("windows.focus", "{\"window_id\": \"w1\"}", "windows.focus (window_id=w1)")]
    [InlineData("windows.list", "{}", "windows.list ()")]
    [InlineData("apps.open", "{\"name\": \"xterm\"}", "open app: 'xterm'")]
    [InlineData("ui.action", "{\"element\": {\"role\": \"button\", \"name\": \"\"}}", "ui action 'click' on button")]
    [InlineData("input.key", "{\"event\": {}}", "send key press '?'")]
    [InlineData("fs.list", "{\"path\": \"/\"}", "fs.list")]
    public void Summaries_follow_the_spec_wording(string method, string parameters, string expected)
    {
        var map = (MsgMap)VectorFiles.ToTree(JsonDocument.Parse(parameters).RootElement)!;
        Assert.Equal(expected, CallSummary.For(method, map));
    }

    private static List<string> AuditLines(ServerFixture fixture) =>
        Directory.Exists(fixture.Home.AuditDirectory)
            ? Directory.GetFiles(fixture.Home.AuditDirectory).SelectMany(File.ReadAllLines).Where(l => l.Length > 0).ToList()
            : [];
}
