using System.Globalization;
using System.Runtime.Versioning;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using OpenDesk.Server.Transport;
using OpenDesk.Session;
using OpenDesk.Transport;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// CPace by default on both sides of the real CLI, protocol v1 only when the desk's owner asks for it, and never a
/// silent fallback: each mismatch ends with a message that says what happened and what to do.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed class PairingNegotiationTests : IDisposable
{
    private readonly EndToEndScope _scope = new();

    [Fact]
    public async Task The_cli_pairs_by_cpace_then_authenticates_and_a_v1_controller_is_turned_away_with_a_notice_on_the_desk()
    {
        var desk = _scope.Home("s");
        var controller = _scope.Home("c");
        var port = LocalPorts.Free();
        var p = port.ToString(CultureInfo.InvariantCulture);
        var pair = _scope.Start("pair", "--home", desk, "--host", "127.0.0.1", "--port", p, "--code", "864209", "--timeout", "60");
        await pair.WaitForOutputAsync("pairing code: 864209");
        Assert.DoesNotContain("LEGACY", pair.Output, StringComparison.Ordinal);

        // A v1 controller gets nothing to guess against: the window takes only CPace, and the desk says so.
        var v1 = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "864209", "--port", p, "--home", _scope.Home("v1"), "--legacy");
        Assert.Equal(1, v1.Exit);
        Assert.Contains("WARNING: legacy (v1) pairing", v1.Err, StringComparison.Ordinal);
        Assert.Contains("ERROR: protocol: peer closed before pair_offer", v1.Err, StringComparison.Ordinal);
        await pair.WaitForOutputAsync("a legacy (v1) controller from 127.0.0.1 tried to pair; this window takes only CPace pairing. If you trust the network, run `opendesk pair --legacy` to let it in.");

        // The window stays open for the real controller, which pairs by CPace and then connects by its key.
        var paired = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "864209", "--port", p, "--home", controller, "--name", "desk");
        Assert.True(paired.Exit == 0, paired.Err);
        Assert.DoesNotContain("WARNING", paired.Err, StringComparison.Ordinal);
        await pair.WaitForOutputAsync("✓ Paired with peer-");
        Assert.Equal(0, await pair.WaitForExitAsync());

        var serve = await _scope.ServeAsync(desk, port);
        var connected = await OpendeskCli.RunAsync("connect", "desk", "--home", controller);
        Assert.True(connected.Exit == 0, connected.Err + serve.Output);
        Assert.StartsWith("Connected to desk", connected.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_legacy_window_takes_a_v1_controller_and_says_plainly_what_that_costs()
    {
        var desk = _scope.Home("s");
        var port = LocalPorts.Free();
        var p = port.ToString(CultureInfo.InvariantCulture);
        var pair = _scope.Start("pair", "--home", desk, "--host", "127.0.0.1", "--port", p, "--code", "112358", "--timeout", "60", "--legacy");
        await pair.WaitForOutputAsync("pairing code: 112358");
        Assert.Contains("LEGACY: v1 controllers accepted. A v1 code", pair.Output, StringComparison.Ordinal);
        Assert.Contains("can be brute-forced offline by anyone on", pair.Output, StringComparison.Ordinal);

        var legacy = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "112358", "--port", p, "--home", _scope.Home("c"), "--name", "desk", "--legacy");
        Assert.True(legacy.Exit == 0, legacy.Err);
        Assert.Contains("WARNING: legacy (v1) pairing: anyone who connects while the window is open can test all 10^6 codes offline", legacy.Err, StringComparison.Ordinal);
        Assert.StartsWith("✓ Paired with desk (", legacy.Out, StringComparison.Ordinal);
        await pair.WaitForOutputAsync("✓ Paired with peer-");
    }

    [Fact]
    public async Task Against_a_v1_only_server_cpace_fails_with_what_to_do_and_legacy_pairs()
    {
        await using var upstream = await V1OnlyServer.StartAsync("246802");
        var p = upstream.Port.ToString(CultureInfo.InvariantCulture);

        var refused = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "246802", "--port", p, "--home", _scope.Home("c"));
        Assert.Equal(1, refused.Exit);
        Assert.Contains(
            $"ERROR: protocol: 127.0.0.1:{p} closed the connection at the start of pairing: it has no pairing window open, or it only supports legacy (v1) pairing.",
            refused.Err,
            StringComparison.Ordinal);
        Assert.Contains($"you can pair with `opendesk pair-with 127.0.0.1 246802 --port {p} --legacy`", refused.Err, StringComparison.Ordinal);
        Assert.Contains("test all 10^6 codes offline", refused.Err, StringComparison.Ordinal);
        Assert.Equal("protocol: expected pair_hello, got 'cpace_hello'", await upstream.FirstFailure.WaitAsync(TimeSpan.FromSeconds(10)));

        var controller = _scope.Home("c2");
        var legacy = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "246802", "--port", p, "--home", controller, "--name", "upstream", "--legacy");
        Assert.True(legacy.Exit == 0, legacy.Err);
        Assert.Equal(upstream.PublicKeyHex, new TrustStore(new OpenDeskHome(controller)).FindByName("upstream")!.PublicKey);
    }

    public void Dispose() => _scope.Dispose();

    /// <summary>
    /// A server that knows only protocol v1 pairing, as an upstream opendesk does: anything but <c>pair_hello</c>
    /// fails the spec §6.5 checks and the connection is closed without a word.
    /// </summary>
    private sealed class V1OnlyServer : IAsyncDisposable
    {
        private readonly WebSocketServer _server;
        private readonly TaskCompletionSource<string> _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private V1OnlyServer(WebSocketServer server, KeyPair key)
        {
            _server = server;
            PublicKeyHex = Convert.ToHexStringLower(key.PublicKey);
        }

        public int Port => _server.Port;

        public string PublicKeyHex { get; }

        public Task<string> FirstFailure => _firstFailure.Task;

        public static async Task<V1OnlyServer> StartAsync(string code)
        {
            var key = KeyPair.Generate();
            var psk = HandshakeCrypto.DerivePsk(code);
            V1OnlyServer? self = null;
            var server = await WebSocketServer.StartAsync("127.0.0.1", 0, new TransportOptions(), async (transport, ct) =>
            {
                try
                {
                    var hello = await HandshakeMessage.ReceiveAsync(transport, ct, HandshakeMessage.PairHello);
                    var keys = await PairingHandshake.RunServerAsync(transport, key, psk, hello, ct);
                    await using var peer = new Peer(new SecureChannel(transport, keys));
                    await peer.StartAsync(new HelloFrame(HelloFrame.ServerRole, "", new MsgMap(), new CapabilityManifest { Backend = "upstream" }.ToMap(), null), ct);
                    await peer.Closed;
                }
                catch (HandshakeException ex)
                {
                    self!._firstFailure.TrySetResult(ex.Message);
                }
            }, CancellationToken.None);
            self = new V1OnlyServer(server, key);
            return self;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
