using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using OpenDesk.Session;
using OpenDesk.Transport;
using OpenDesk.Trust;

namespace OpenDesk.Client;

/// <summary>
/// A remote desktop driven over opendesk: connect by peer name, the default peer or
/// <c>ws://host:port#pubkeyhex</c>, then call the typed methods. Transient failures reconnect
/// transparently within a budget, replaying observations once and never replaying actions; after the
/// server evicts this controller every call throws <see cref="SessionEvictedException"/>.
/// </summary>
public sealed partial class RemoteComputer : IAsyncDisposable
{
    private static readonly TimeSpan[] ReconnectDelays =
        [.. new[] { 0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0 }.Select(TimeSpan.FromSeconds)];

    private readonly string? _target;
    private readonly RemoteComputerOptions _options;
    private readonly OpenDeskHome _home;
    private readonly bool _canReconnect;
    private readonly SemaphoreSlim _reconnectLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private Peer _peer;
    private volatile string? _evictionReason;
    private volatile bool _closed;

    private RemoteComputer(Peer peer, CapabilityManifest manifest, string? target, RemoteComputerOptions options, OpenDeskHome home, bool canReconnect)
    {
        _peer = peer;
        Manifest = manifest;
        _target = target;
        _options = options;
        _home = home;
        _canReconnect = canReconnect;
        peer.PushReceived += OnPush;
    }

    /// <summary>The server's capability manifest from its latest HELLO.</summary>
    public CapabilityManifest Manifest { get; private set; }

    /// <summary>The server's static public key.</summary>
    public byte[] ServerPublicKey => _peer.PeerStaticPublic;

    /// <summary>True once the server sent <c>session.evicted</c>.</summary>
    public bool IsEvicted => _evictionReason is not null;

    /// <summary>Completes when the current connection ends (evicted, closed or dropped), with the reason.</summary>
    public Task<Exception> Disconnected => _peer.Closed;

    /// <summary>The reason the server gave when it evicted this controller, or null.</summary>
    public string? EvictionReason => _evictionReason;

    /// <summary>
    /// Connects to a paired server. <paramref name="target"/> is a peer name, null for the default peer,
    /// or <c>ws://host[:port]#&lt;64-hex public key&gt;</c> (port 8423 when omitted).
    /// </summary>
    /// <exception cref="ProtocolException">Code <c>busy</c> when another controller is active.</exception>
    /// <exception cref="HandshakeException">The server does not trust this controller, or is not the expected server.</exception>
    public static async Task<RemoteComputer> ConnectAsync(string? target = null, RemoteComputerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RemoteComputerOptions();
        var home = new OpenDeskHome(options.Home);
        var (peer, manifest) = await OpenAsync(target, options, home, cancellationToken).ConfigureAwait(false);
        return new RemoteComputer(peer, manifest, target, options, home, options.AutoReconnect);
    }

    /// <summary>
    /// Pairs with a server showing a pairing code (<c>opendesk pair</c> on that machine), stores it as a
    /// trusted remote named <paramref name="name"/> (or <c>peer-xxxxxx</c>) and returns the open session,
    /// which does not auto-reconnect. Pairing is CPace (nothing observed or tried lets anyone test codes offline);
    /// <paramref name="legacy"/> uses protocol v1 instead, for upstream servers, which anyone connecting to that
    /// machine during its window can brute-force offline. There is never a silent fallback from one to the other.
    /// </summary>
    /// <exception cref="HandshakeException">
    /// A wrong code (<c>wrong_code</c>), or a server that hung up at the start (<c>protocol</c>): no window open, or it
    /// only speaks v1 pairing; the message says what to do.
    /// </exception>
    /// <exception cref="BusyException">
    /// Paired (both sides stored it; see <see cref="BusyException.PairedPeer"/>), but another controller holds the desk.
    /// </exception>
    /// <exception cref="ProtocolException">
    /// The code was right but the desk answered with an error instead of a session, e.g. it could not store the pairing;
    /// nothing is stored here then.
    /// </exception>
    public static async Task<RemoteComputer> PairWithAsync(
        string host, string code, int port = ConnectTarget.DefaultPort, string? name = null, RemoteComputerOptions? options = null, bool legacy = false, CancellationToken cancellationToken = default)
    {
        options ??= new RemoteComputerOptions();
        var home = new OpenDeskHome(options.Home);
        var staticKey = KeyPair.From(Identity.LoadOrCreate(home));
        var trust = new TrustStore(home);
        IClientHandshake handshake = legacy ? new LegacyPairingClientHandshake(staticKey, code) : new CpacePairingClientHandshake(staticKey, code);
        Peer peer;
        try
        {
            peer = await ConnectPeerAsync(new UriBuilder("ws", host, port, "/").Uri, options, handshake, cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException ex) when (CpacePairingHandshake.IsRefusedAtHello(ex))
        {
            throw new HandshakeException(HandshakeFailureReason.Protocol, RefusedPairingMessage(host, port, code), ex);
        }

        CapabilityManifest manifest;
        try
        {
            manifest = await StartPeerAsync(peer, trust, cancellationToken).ConfigureAwait(false);
        }
        catch (BusyException busy)
        {
            // The desk stores a controller before its single-slot check, so this pairing stands; only the session does not.
            var stored = StorePairedServer(trust, peer.PeerStaticPublic, name, host, port);
            await peer.DisposeAsync().ConfigureAwait(false);
            throw new BusyException(busy.Detail, busy.Details) { PairedPeer = stored };
        }
        catch (ProtocolException ex) when (ex.Code != ErrorCodes.Protocol)
        {
            // A desk that answers the proven code with an error (not a dropped connection) has not taken the pairing.
            await peer.DisposeAsync().ConfigureAwait(false);
            throw new ProtocolException(ex.Code, $"the desk failed to store the pairing: {ex.Detail}", ex.Details, ex);
        }
        catch (Exception ex) when (ex is ProtocolException or ConnectionClosedException)
        {
            // Upstream's `pair` stores the controller, then may stop before its HELLO (spec §24): the pairing stands.
            StorePairedServer(trust, peer.PeerStaticPublic, name, host, port);
            await peer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch
        {
            await peer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        StorePairedServer(trust, peer.PeerStaticPublic, name, host, port);
        if (manifest.Description.Length > 0)
        {
            CacheDescription(trust, peer.PeerStaticPublic, manifest.Description);
        }

        return new RemoteComputer(peer, manifest, null, options, home, canReconnect: false);
    }

    private static TrustedPeer StorePairedServer(TrustStore trust, byte[] publicKey, string? name, string host, int port)
    {
        trust.Add(publicKey, name ?? "", PeerRole.Remote);
        trust.CacheEndpoint(publicKey, host, port);
        return trust.FindByKey(publicKey)!;
    }

    /// <summary>
    /// Calls any method by its wire name with raw params. Prefer the typed methods; this is for methods newer
    /// than this library.
    /// </summary>
    public Task<MsgMap?> CallAsync(string method, MsgMap? parameters = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(method, parameters ?? new MsgMap(), cancellationToken);

    /// <summary>Opens a stream by its wire name. Streams are never reconnected.</summary>
    public async IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap? parameters = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        var enumerator = _peer.StreamAsync(method, parameters ?? new MsgMap(), cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception) when (_evictionReason is { } reason)
                {
                    throw new SessionEvictedException(reason);
                }

                yield return enumerator.Current;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        await _closing.CancelAsync().ConfigureAwait(false);
        await _peer.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    private async Task<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        var peer = _peer;
        try
        {
            return await peer.CallAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_evictionReason is { } reason && ex is not OperationCanceledException)
        {
            throw new SessionEvictedException(reason);
        }
        catch (Exception ex) when (IsTransient(ex) && _canReconnect && !_closed)
        {
            if (!await ReconnectAsync(peer, cancellationToken).ConfigureAwait(false))
            {
                if (_evictionReason is { } reason)
                {
                    throw new SessionEvictedException(reason);
                }

                throw;
            }

            if (!Methods.IsIdempotent(method))
            {
                // The connection is healed for the next call, but an action is never sent twice.
                ExceptionDispatchInfo.Capture(ex).Throw();
            }

            try
            {
                return await _peer.CallAsync(method, parameters, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (_evictionReason is { } reason)
            {
                throw new SessionEvictedException(reason);
            }
        }
    }

    /// <summary>
    /// The reconnect loop of spec §19.3: immediate first attempt, then 0.5, 1, 2, 4, 5… s apart, within the
    /// budget, stopping early on close or eviction. Concurrent failing callers share one loop.
    /// </summary>
    private async Task<bool> ReconnectAsync(Peer failed, CancellationToken cancellationToken)
    {
        await _reconnectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(_peer, failed) && !_peer.IsClosed)
            {
                return true;
            }

            var started = DateTime.UtcNow;
            foreach (var delay in ReconnectDelays)
            {
                if (DateTime.UtcNow - started > _options.ReconnectBudget || _closed || IsEvicted)
                {
                    return false;
                }

                try
                {
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
                    var (peer, manifest) = await OpenAsync(_target, _options, _home, linked.Token).ConfigureAwait(false);
                    peer.PushReceived += OnPush;
                    _peer = peer;
                    Manifest = manifest;
                    await failed.DisposeAsync().ConfigureAwait(false);
                    return true;
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested && !_closed)
                {
                    try
                    {
                        await Task.Delay(delay, _closing.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return false;
                    }
                }
            }

            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _reconnectLock.Release();
        }
    }

    private static async Task<(Peer Peer, CapabilityManifest Manifest)> OpenAsync(string? target, RemoteComputerOptions options, OpenDeskHome home, CancellationToken cancellationToken)
    {
        var trust = new TrustStore(home);
        var resolved = await ConnectTarget.ResolveAsync(target, trust, options.DiscoveryTimeout, cancellationToken).ConfigureAwait(false);
        var staticKey = KeyPair.From(Identity.LoadOrCreate(home));
        Peer peer;
        try
        {
            peer = await ConnectPeerAsync(resolved.Uri, options, new AuthClientHandshake(staticKey, resolved.ServerPublicKey), cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException ex) when (HandshakeMessage.IsClosedBefore(ex, HandshakeMessage.AuthOffer))
        {
            throw new HandshakeException(HandshakeFailureReason.Protocol, RefusedLoginMessage(resolved.Host, resolved.Port), ex);
        }

        CapabilityManifest manifest;
        try
        {
            manifest = await StartPeerAsync(peer, trust, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await peer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // A URL typed for one connection says nothing about where the peer lives from now on.
        if (!resolved.IsExplicitUrl && trust.FindByKey(resolved.ServerPublicKey) is not null)
        {
            trust.CacheEndpoint(resolved.ServerPublicKey, resolved.Host, resolved.Port);
        }

        return (peer, manifest);
    }

    /// <summary>WebSocket, then <paramref name="handshake"/> within the deadline; the transport is closed if that fails.</summary>
    private static async Task<Peer> ConnectPeerAsync(Uri uri, RemoteComputerOptions options, IClientHandshake handshake, CancellationToken cancellationToken)
    {
        var transport = options.Dialer is { } dial
            ? await dial(uri, cancellationToken).ConfigureAwait(false)
            : await WebSocketConnector.ConnectAsync(uri, options.ToTransportOptions(), options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            // Whatever answers at that address is a stranger until the handshake proves its key.
            transport.MaxMessageBytes = HandshakeMessage.MaxMessageBytes;
            var keys = await HandshakeDeadline.RunAsync(ct => handshake.RunAsync(transport, ct), options.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
            transport.MaxMessageBytes = options.MaxMessageBytes;
            return new Peer(new SecureChannel(transport, keys));
        }
        catch
        {
            await transport.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>HELLO exchange; the manifest is read leniently and a non-empty description cached (spec §9.4).</summary>
    private static async Task<CapabilityManifest> StartPeerAsync(Peer peer, TrustStore trust, CancellationToken cancellationToken)
    {
        var hello = await peer.StartAsync(HelloFrame.Client(), cancellationToken).ConfigureAwait(false);
        CapabilityManifest manifest;
        try
        {
            manifest = CapabilityManifest.FromMap(hello.Capabilities, ErrorCodes.Protocol);
        }
        catch (ProtocolException)
        {
            manifest = new CapabilityManifest();
        }

        if (manifest.Description.Length > 0 && trust.FindByKey(peer.PeerStaticPublic) is not null)
        {
            CacheDescription(trust, peer.PeerStaticPublic, manifest.Description);
        }

        return manifest;
    }

    private static void CacheDescription(TrustStore trust, byte[] publicKey, string description)
    {
        try
        {
            trust.CacheDescription(publicKey, description);
        }
        catch (Exception ex) when (ex is OpenDeskException or IOException or UnauthorizedAccessException)
        {
            // A cache write must not fail a working session (e.g. a read-only home).
        }
    }

    /// <summary>
    /// What to tell a controller whose <c>auth_hello</c> the server hung up on. A standalone pairing window does that
    /// by design (spec §6.7), and it is by far the likeliest cause; an overloaded server or something that is not
    /// opendesk are the others.
    /// </summary>
    private static string RefusedLoginMessage(string host, int port) =>
        $"{host}:{port} closed the connection before answering this controller's login. Most likely that machine is showing a " +
        "pairing code with a standalone `opendesk pair`, which admits nobody else until its window closes (at most 5 minutes): " +
        "connect again after that. Otherwise it is refusing new connections for now, or it is not an opendesk server.";

    /// <summary>What to tell someone whose CPace pairing the server hung up on (docs/protocol/pairing-cpace.md §7).</summary>
    private static string RefusedPairingMessage(string host, int port, string code) =>
        $"{host}:{port} closed the connection at the start of pairing: it has no pairing window open, or it only supports " +
        $"legacy (v1) pairing. If that machine runs an opendesk without CPace, its owner can run `opendesk pair --legacy` and you " +
        $"can pair with `opendesk pair-with {host} {code} --port {port} --legacy`. Warning: legacy pairing lets anyone who connects " +
        "to that machine while the window is open test all 10^6 codes offline and pair in your place; use it only on a network you trust.";

    private void OnPush(PushFrame push)
    {
        if (push.Topic == "session.evicted")
        {
            _evictionReason = push.Payload.TryGetValue("reason", out var reason) && reason is string text ? text : "";
        }
    }

    private void ThrowIfUnusable()
    {
        if (_evictionReason is { } reason)
        {
            throw new SessionEvictedException(reason);
        }

        ObjectDisposedException.ThrowIf(_closed, this);
    }

    private static bool IsTransient(Exception ex) =>
        ex is ConnectionClosedException || (ex is ProtocolException p && p.Code == ErrorCodes.Protocol);
}
