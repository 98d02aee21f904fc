using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// <c>--json</c> through the real commands: stdout holds exactly one JSON document (a parser that rejects trailing
/// content reads it), the same things go by the same key names, and the audit log reads as one array.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed class JsonDocumentsTests : IDisposable
{
    private readonly EndToEndScope _scope = new();

    [Fact]
    public async Task Every_listing_is_one_document_and_sessions_name_the_peer_as_peers_does()
    {
        var desk = _scope.Home("s");
        var controller = _scope.Home("c");
        var port = LocalPorts.Free();
        var name = await _scope.PairAsync(desk, controller, port, "desk");
        await _scope.ServeAsync(desk, port);
        var holder = _scope.Start("connect", "desk", "--home", controller, "--hold");
        await holder.WaitForOutputAsync("Holding the session");

        using var peers = await JsonAsync("peers", "--json", "--home", desk);
        using var list = await JsonAsync("peers", "list", "--json", "--home", desk);
        using var sessions = await JsonAsync("sessions", "--json", "--home", desk);

        // A controller the desk does not know is refused: still one document, the error.
        var busy = await OpendeskCli.RunAsync("connect", "--json", "--home", _scope.Home("other"), $"ws://127.0.0.1:{port}#{Identity.LoadOrCreate(new OpenDeskHome(desk)).PublicKeyHex}");
        Assert.Equal(1, busy.Exit);
        using (var refused = JsonDocument.Parse(busy.Out))
        {
            Assert.Equal("unexpected_peer", refused.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Equal(0, (await OpendeskCli.RunAsync("disconnect", "--home", desk)).Exit);
        await holder.WaitForOutputAsync("Evicted by the server");
        using var connected = await JsonAsync("connect", "--json", "--home", controller, "desk");
        using var audit = await JsonAsync("audit", "--json", "--home", desk);
        using var discovered = await JsonAsync("discover", "--json", "--timeout", "0.3");

        Assert.Equal(peers.RootElement.GetRawText(), list.RootElement.GetRawText());
        var peer = Assert.Single(peers.RootElement.EnumerateArray());
        var sessionPeer = Assert.Single(sessions.RootElement.EnumerateArray()).GetProperty("peer");
        foreach (var key in new[] { "name", "public_key", "fingerprint" })
        {
            Assert.Equal(peer.GetProperty(key).GetString(), sessionPeer.GetProperty(key).GetString());
        }

        Assert.Equal(name, sessionPeer.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, discovered.RootElement.ValueKind);
        Assert.Equal("desk", connected.RootElement.GetProperty("peer").GetString());

        // The stranger above was refused: the audit array holds that beside the sessions.
        var types = audit.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("session.opened", types);
        Assert.Contains("session.rejected", types);
    }

    [Fact]
    public async Task Audit_filters_by_peer_before_it_limits_and_follows_nothing_when_printing_json()
    {
        var home = _scope.Home("s");
        var day = new DateOnly(2025, 3, 14);
        Directory.CreateDirectory(Path.Combine(home, "audit"));
        var lines = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            lines.Add(Entry("laptop", "aaaaaaaaaaaaaaaa", i));
        }

        for (var i = 3; i < 6; i++)
        {
            lines.Add(Entry("tablet", "bbbbbbbbbbbbbbbb", i));
        }

        lines.Add("not json");
        File.WriteAllLines(Path.Combine(home, "audit", "2025-03-14.jsonl"), lines);

        using var last = await JsonAsync("audit", "--json", "--date", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--peer", "laptop", "--limit", "2", "--home", home);
        Assert.Equal(["1", "2"], last.RootElement.EnumerateArray().Select(e => e.GetProperty("session_id").GetString()));

        var text = await OpendeskCli.RunAsync("audit", "--date", "2025-03-14", "--peer", "laptop", "--limit", "2", "--home", home);
        Assert.Equal(2, text.Out.Trim().Split('\n').Length);
        Assert.All(text.Out.Trim().Split('\n'), line => Assert.Contains("laptop", line, StringComparison.Ordinal));

        using var none = await JsonAsync("audit", "--json", "--date", "2025-03-15", "--home", home);
        Assert.Equal(0, none.RootElement.GetArrayLength());
    }

    public void Dispose() => _scope.Dispose();

    private static string Entry(string name, string fp, int id) =>
        $$"""{"mode": "serve", "peer": {"fp": "{{fp}}", "name": "{{name}}"}, "remote_addr": "127.0.0.1:1", "session_id": "{{id}}", "ts": {{1741950000 + id}}.5, "type": "session.opened"}""";

    /// <summary>Runs a command that must succeed and parses its whole stdout as one JSON document.</summary>
    private static async Task<JsonDocument> JsonAsync(params string[] args)
    {
        var result = await OpendeskCli.RunAsync(args);
        Assert.True(result.Exit == 0, $"opendesk {string.Join(' ', args)}: exit {result.Exit}\n{result.Err}");
        return JsonDocument.Parse(result.Out);
    }
}
