using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// Names as the real commands treat them: a taken name is never given twice, a name two peers share is never guessed
/// at, a fingerprint works wherever a name does, and a URL typed once changes nothing that is stored.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed class PeerNamesTests : IDisposable
{
    private readonly EndToEndScope _scope = new();

    [Fact]
    public async Task Renaming_to_a_taken_name_is_refused_and_a_fingerprint_names_a_peer()
    {
        var home = _scope.Home("c");
        var store = new TrustStore(new OpenDeskHome(home));
        var office = store.Add(Key(1), "office", PeerRole.Remote);
        var lab = store.Add(Key(2), "lab", PeerRole.Remote);
        var before = File.ReadAllText(store.FilePath);

        var clash = await OpendeskCli.RunAsync("peers", "rename", "lab", "office", "--home", home);
        Assert.Equal(1, clash.Exit);
        Assert.Equal(
            $"ERROR: a peer named 'office' already exists ({office.Fingerprint}); choose another name, or remove that one first with `opendesk peers remove {office.Fingerprint}`.",
            clash.Err.Trim());
        Assert.Equal(before, File.ReadAllText(store.FilePath));

        // The colon fingerprint, its 16 hex digits, or the whole key: each names the one peer.
        Assert.Equal(0, (await OpendeskCli.RunAsync("peers", "rename", lab.Fingerprint, "lab-2", "--home", home)).Exit);
        Assert.Equal(0, (await OpendeskCli.RunAsync("peers", "default", lab.PublicKey[..16], "--home", home)).Exit);
        Assert.Equal("lab-2", store.GetDefaultPeer());
        var described = await OpendeskCli.RunAsync("peers", "describe", lab.PublicKey, "second floor", "--home", home);
        Assert.Equal("Description override saved for lab-2.", described.Out.Trim());
        Assert.Equal("second floor", store.FindByKey(lab.PublicKey)!.DescriptionOverride);
        Assert.Equal("office", store.FindByKey(office.PublicKey)!.Name);
    }

    [Fact]
    public async Task A_name_two_peers_share_is_refused_with_their_fingerprints_and_either_is_removed_by_its_own()
    {
        var home = _scope.Home("s");
        var store = new TrustStore(new OpenDeskHome(home));
        var first = store.Add(Key(1), "laptop", PeerRole.Controller);
        var second = store.Add(Key(2), "laptop", PeerRole.Controller);

        var ambiguous = await OpendeskCli.RunAsync("unpair", "laptop", "--home", home);
        Assert.Equal(1, ambiguous.Exit);
        Assert.Equal(
            $"ERROR: 'laptop' matches 2 peers: {first.Fingerprint} (a controller of this machine); {second.Fingerprint} (a controller of this machine). " +
            $"Name one by its fingerprint, e.g. `opendesk unpair {first.Fingerprint}`.",
            ambiguous.Err.Trim());
        Assert.Equal(2, store.List().Count);

        var removed = await OpendeskCli.RunAsync("unpair", second.Fingerprint, "--home", home);
        Assert.Equal(0, removed.Exit);
        Assert.Equal($"Unpaired {second.Fingerprint}.", removed.Out.Trim());
        Assert.Equal(first.PublicKey, Assert.Single(store.List()).PublicKey);
    }

    [Fact]
    public async Task The_name_local_which_opendesk_mcp_reads_as_this_machine_is_refused_whatever_its_case()
    {
        var home = _scope.Home("c");
        var store = new TrustStore(new OpenDeskHome(home));
        store.Add(Key(1), "office", PeerRole.Remote);
        var before = File.ReadAllText(store.FilePath);
        using var nobody = LocalPorts.Refusing();

        var paired = await OpendeskCli.RunAsync(
            "pair-with", "127.0.0.1", "123456", "--port", LocalPorts.PortOf(nobody).ToString(CultureInfo.InvariantCulture), "--name", "local", "--home", home);
        Assert.Equal(1, paired.Exit);
        Assert.Equal("ERROR: the name 'local' is reserved: `opendesk mcp` uses it for this machine's own desktop; choose another --name.", paired.Err.Trim());

        var renamed = await OpendeskCli.RunAsync("peers", "rename", "office", "Local", "--home", home);
        Assert.Equal(1, renamed.Exit);
        Assert.Equal("ERROR: the name 'Local' is reserved: `opendesk mcp` uses it for this machine's own desktop; choose another name.", renamed.Err.Trim());
        Assert.Equal(before, File.ReadAllText(store.FilePath));
    }

    [Fact]
    public async Task Pairing_under_a_taken_name_is_refused_before_the_code_is_spent()
    {
        var home = _scope.Home("c");
        var office = new TrustStore(new OpenDeskHome(home)).Add(Key(1), "office", PeerRole.Remote);
        using var nobody = LocalPorts.Refusing();

        var result = await OpendeskCli.RunAsync(
            "pair-with", "127.0.0.1", "123456", "--port", LocalPorts.PortOf(nobody).ToString(CultureInfo.InvariantCulture), "--name", "office", "--home", home);

        Assert.Equal(1, result.Exit);
        Assert.Equal(
            $"ERROR: a peer named 'office' already exists ({office.Fingerprint}); choose another --name, or leave --name out when pairing again with that same machine (it keeps its name).",
            result.Err.Trim());
    }

    [Fact]
    public async Task Connect_takes_a_fingerprint_prints_one_json_document_and_a_one_off_url_leaves_the_saved_address_alone()
    {
        var desk = _scope.Home("s");
        var controller = _scope.Home("c");
        var port = LocalPorts.Free();
        var p = port.ToString(CultureInfo.InvariantCulture);
        await _scope.PairAsync(desk, controller, port, "desk");
        await _scope.ServeAsync(desk, port);
        var store = new TrustStore(new OpenDeskHome(controller));
        var saved = store.FindByName("desk")!;
        Assert.Equal(("127.0.0.1", port), (saved.LastHost, saved.LastPort));

        var shot = Path.Combine(controller, "shot.png");
        var byFingerprint = await OpendeskCli.RunAsync("connect", saved.Fingerprint, "--json", "--home", controller);
        Assert.True(byFingerprint.Exit == 0, byFingerprint.Err);
        using (var json = JsonDocument.Parse(byFingerprint.Out))
        {
            Assert.Equal(saved.Fingerprint, json.RootElement.GetProperty("peer").GetString());
            Assert.Equal("local/linux", json.RootElement.GetProperty("backend").GetString());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("screenshot").ValueKind);
        }

        // The same desk through another spelling of its address, once: the stored address stays.
        var url = $"ws://localhost:{p}#{saved.PublicKey}";
        var oneOff = await OpendeskCli.RunAsync("connect", url, "--home", controller);
        Assert.True(oneOff.Exit == 0, oneOff.Err);
        Assert.StartsWith($"Connected to {url}", oneOff.Out, StringComparison.Ordinal);
        Assert.Equal(("127.0.0.1", port), (store.FindByName("desk")!.LastHost, store.FindByName("desk")!.LastPort));

        // A screenshot of a desk without one is an error document on stdout, and no file.
        var noDesktop = await OpendeskCli.RunAsync("connect", "desk", "--json", "--screenshot", shot, "--home", controller);
        Assert.Equal(1, noDesktop.Exit);
        using (var json = JsonDocument.Parse(noDesktop.Out))
        {
            Assert.Equal("capability_unsupported", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.False(File.Exists(shot));
    }

    [Fact]
    public async Task A_controller_the_desk_no_longer_trusts_is_told_it_was_probably_unpaired()
    {
        var desk = _scope.Home("s");
        var controller = _scope.Home("c");
        var port = LocalPorts.Free();
        var p = port.ToString(CultureInfo.InvariantCulture);
        var name = await _scope.PairAsync(desk, controller, port, "desk");
        await _scope.ServeAsync(desk, port);
        Assert.Equal(0, (await OpendeskCli.RunAsync("unpair", name, "--home", desk)).Exit);

        var refused = await OpendeskCli.RunAsync("connect", "desk", "--home", controller);

        Assert.Equal(1, refused.Exit);
        Assert.Equal(
            $"ERROR: desk at 127.0.0.1:{p} did not accept this controller (unexpected_peer). Most likely the desk no longer trusts this controller: it was unpaired there; " +
            $"to pair again, run `opendesk pair` on the desk and `opendesk pair-with 127.0.0.1 CODE --port {p}` here. Otherwise a different machine now answers at 127.0.0.1:{p}.",
            refused.Err.Trim());
    }

    public void Dispose() => _scope.Dispose();

    private static byte[] Key(int seed) => [.. Enumerable.Range(seed, 32).Select(i => (byte)i)];
}
