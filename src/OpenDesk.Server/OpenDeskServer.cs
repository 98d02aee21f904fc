using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using OpenDesk.Server.Admin;
using OpenDesk.Server.Audit;
using OpenDesk.Server.Handshakes;
using OpenDesk.Server.Transport;
using OpenDesk.Session;
using OpenDesk.Transport;
using OpenDesk.Trust;

namespace OpenDesk.Server;

/// <summary>
/// The <c>opendesk serve</c> daemon: accepts controllers over WebSocket, authenticates or pairs them,
/// enforces one controller at a time (BUSY for a different peer, a bump for the same peer) and serves the
/// computer to the active one. The admin socket lists and evicts sessions and opens pairing windows.
/// </summary>
public sealed class OpenDeskServer : IAsyncDisposable
{
    // How long a new controller waits for the cancelled calls of the one it replaces to finish.
    private static readonly TimeSpan HandoverDrainTimeout = TimeSpan.FromSeconds(10);

    private readonly ServerOptions _options;
    private readonly ILogger _logger;
    private readonly KeyPair _staticKey;
    private readonly TrustStore _trust;
    private readonly AuthServerHandshake _authentication;
    private readonly DescriptionFile _description;
    private readonly ComputerDispatcher _dispatcher;
    private readonly SessionRegistry _registry = new();
    private readonly AdminOperations _admin;
    private readonly AuditLog? _audit;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _pairingLock = new();
    private PairingWindow? _pairing;
    private ISessionListener? _listener;
    private AdminServer? _adminServer;
    private int _disposed;

    private OpenDeskServer(ServerOptions options, Identity identity)
    {
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("opendesk.serve");
        Identity = identity;
        _staticKey = KeyPair.From(identity);
        _trust = new TrustStore(options.Home);
        _authentication = new AuthServerHandshake(_staticKey, key => _trust.IsTrustedController(key));
        _description = new DescriptionFile(options.Home);
        _dispatcher = new ComputerDispatcher(options.Computer);
        _admin = new AdminOperations(this);
        _audit = options.Audit ? new AuditLog(options.Home.AuditDirectory, _logger) : null;
    }

    /// <summary>This server's static identity.</summary>
    public Identity Identity { get; }

    /// <summary>The bound TCP port (useful with port 0).</summary>
    public int Port => _listener?.Port ?? 0;

    /// <summary>The sessions currently registered (0 or 1).</summary>
    internal IReadOnlyList<SessionInfo> Sessions => [.. _registry.Snapshot().Select(s => s.Info)];

    internal IAdminOperations Admin => _admin;

    /// <summary>Loads the identity, starts the admin socket and the WebSocket listener.</summary>
    public static async Task<OpenDeskServer> StartAsync(ServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = new OpenDeskServer(options, Identity.LoadOrCreate(options.Home));
        try
        {
            if (options.EnableAdmin)
            {
                server._adminServer = await AdminServer.StartAsync(AdminEndpoint.Of(options.Home), server._admin, server._logger, cancellationToken).ConfigureAwait(false);
            }

            var listener = options.Listener ?? new WebSocketListenerFactory(options.Host, options.Port, options.ToTransportOptions(), options.ConnectionLimits);
            server._listener = await listener.StartAsync(server.HandleConnectionAsync, options.LoggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>
    /// Opens a pairing window for <paramref name="code"/> (open once this method returns its task) and waits
    /// until one controller pairs. Throws
    /// <see cref="TimeoutException"/> when nobody paired in time, <see cref="OpenDeskException"/> when the
    /// code was burned by wrong attempts or a window is already open.
    /// </summary>
    public Task<PairingOutcome> PairAsync(string code, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        PairAsync(new PairingRequest(code, timeout), cancellationToken);

    /// <summary>
    /// Opens the pairing window <paramref name="request"/> describes (open once this method returns its task) and
    /// waits until one controller pairs. Throws <see cref="TimeoutException"/> when nobody paired in time,
    /// <see cref="OpenDeskException"/> when the code was burned by wrong attempts or a window is already open.
    /// </summary>
    public async Task<PairingOutcome> PairAsync(PairingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timeout = request.Timeout;
        var window = new PairingWindow(request, DateTimeOffset.UtcNow + timeout);
        lock (_pairingLock)
        {
            if (_pairing is { } open && open.IsOpen(DateTimeOffset.UtcNow))
            {
                throw new OpenDeskException("a pairing window is already open on this server; finish or cancel that `opendesk pair` first.");
            }

            _pairing = window;
        }

        _logger.LogInformation("pairing window open for {Seconds} s{Legacy}", timeout.TotalSeconds, request.AllowLegacy ? ", legacy v1 pairing allowed" : "");
        try
        {
            return await window.Outcome.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            window.Expire(timeout);
            return await window.Outcome.ConfigureAwait(false);
        }
        finally
        {
            window.Cancel();
            lock (_pairingLock)
            {
                if (_pairing == window)
                {
                    _pairing = null;
                }
            }
        }
    }

    /// <summary>Evicts one session (<c>session.evicted</c> PUSH, then close). False for an unknown id.</summary>
    internal async Task<bool> KillAsync(string sessionId, string reason)
    {
        var session = _registry.Remove(sessionId);
        if (session is null)
        {
            return false;
        }

        _logger.LogInformation("evicting session {Id} of {Peer}: {Reason}", session.Id, session.Info.PeerName, reason);
        return await session.EvictAsync(reason).ConfigureAwait(false);
    }

    /// <summary>Closes a session without the eviction PUSH, as a network drop does: the client may reconnect.</summary>
    internal async Task<bool> DropAsync(string sessionId)
    {
        var session = _registry.Remove(sessionId);
        if (session is null)
        {
            return false;
        }

        await session.Peer.CloseAsync(TransportCloseStatus.GoingAway).ConfigureAwait(false);
        return true;
    }

    internal async Task<int> KillAllAsync(string reason)
    {
        var sessions = _registry.RemoveAll();
        var results = await Task.WhenAll(sessions.Select(s =>
        {
            _logger.LogInformation("evicting session {Id} of {Peer}: {Reason}", s.Id, s.Info.PeerName, reason);
            return s.EvictAsync(reason);
        })).ConfigureAwait(false);
        return results.Count(killed => killed);
    }

    /// <summary>
    /// Stops in the spec's order (§15.4): admin IPC, listener (open sessions get a 1001 close and no eviction
    /// PUSH, so cooperative clients reconnect when serve comes back), then whatever is left.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_adminServer is not null)
        {
            await _adminServer.DisposeAsync().ConfigureAwait(false);
        }

        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var session in _registry.RemoveAll())
        {
            await session.Peer.CloseAsync(TransportCloseStatus.GoingAway).ConfigureAwait(false);
        }

        _audit?.Dispose();
        _stopping.Dispose();
    }

    private async Task HandleConnectionAsync(IMessageTransport transport, ConnectionTicket ticket, CancellationToken connectionAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(connectionAborted, _stopping.Token);
        var cancellationToken = linked.Token;
        var remoteAddress = transport.RemoteAddress;
        _logger.LogDebug("connection from {Remote}", remoteAddress);

        // A stranger gets a few KiB per message until it has proven its key.
        transport.MaxMessageBytes = HandshakeMessage.MaxMessageBytes;
        AuthenticatedConnection connection;
        try
        {
            connection = await HandshakeDeadline.RunAsync(ct => AuthenticateAsync(transport, ct), _options.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException ex)
        {
            _logger.LogWarning("handshake from {Remote} failed: {Reason}", remoteAddress, ex.Message);
            _audit?.SessionRejected("", "", remoteAddress, $"auth_failed: {ex.Reason}");
            ticket.HandshakeFailed();
            await transport.CloseAsync(TransportCloseStatus.Normal).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is OpenDeskException or OperationCanceledException)
        {
            _logger.LogDebug("handshake from {Remote} ended: {Message}", remoteAddress, ex.Message);
            if (!_stopping.IsCancellationRequested)
            {
                _audit?.SessionRejected("", "", remoteAddress, $"handshake_error: {ex.Message}");
                ticket.HandshakeFailed();
            }

            await transport.CloseAsync(TransportCloseStatus.GoingAway).ConfigureAwait(false);
            return;
        }

        ticket.Authenticated();
        transport.MaxMessageBytes = _options.MaxMessageBytes;
        await ServeAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the handshake and reads the client's HELLO. Only a HELLO that decrypts proves the client holds the static
    /// key it presented (an <c>auth_hello</c> carries just the public half, which anyone may have seen), so until
    /// then the connection takes no part in the single-controller decision and can evict nobody.
    /// </summary>
    private async Task<AuthenticatedConnection> AuthenticateAsync(IMessageTransport transport, CancellationToken cancellationToken)
    {
        var (keys, window) = await RunHandshakeAsync(transport, cancellationToken).ConfigureAwait(false);
        var channel = new SecureChannel(transport, keys);
        HelloFrame hello;
        try
        {
            hello = await Peer.ReceiveHelloAsync(channel, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ProtocolException or ConnectionClosedException)
        {
            window?.RecordFailedAttempt(transport.RemoteAddress);
            throw new HandshakeException(HandshakeFailureReason.Protocol, $"client did not prove its static key: {ex.Message}", ex);
        }
        catch (OperationCanceledException)
        {
            window?.RecordFailedAttempt(transport.RemoteAddress);
            throw;
        }

        if (window is not null && !window.TryClaim())
        {
            await channel.CloseAsync().ConfigureAwait(false);
            throw new HandshakeException(HandshakeFailureReason.Protocol, "the pairing window closed before this attempt finished");
        }

        if (window is not null)
        {
            TrustedPeer stored;
            try
            {
                stored = _trust.Add(keys.PeerStaticPublic, "", PeerRole.Controller);
            }
            catch (Exception ex) when (ex is OpenDeskException or IOException or UnauthorizedAccessException)
            {
                // The controller has stored this desk by now: tell it the pairing did not take, in the one way every
                // client understands (a HELLO carrying an error), and end the window with the reason.
                _logger.LogError("pairing with {Remote} proved the code, but the controller could not be stored: {Reason}", transport.RemoteAddress, ex.Message);
                window.Fail(new OpenDeskException($"the controller from {RemoteAddress.HostOf(transport.RemoteAddress)} proved the code, but this desk could not store it: {ex.Message}", ex));
                await RejectAsync(channel, new ErrorInfo(ErrorCodes.Internal, PairingNotStored)).ConfigureAwait(false);
                throw new OpenDeskException($"pairing not stored: {ex.Message}", ex);
            }

            _logger.LogInformation("paired controller {Name} ({Fingerprint})", stored.Name, stored.Fingerprint);
        }

        return new AuthenticatedConnection(channel, hello, window);
    }

    private async Task ServeAsync(AuthenticatedConnection connection, CancellationToken cancellationToken)
    {
        var channel = connection.Channel;
        var remoteAddress = channel.RemoteAddress;
        var peerKeyHex = Convert.ToHexStringLower(channel.PeerStaticPublic);
        var peerName = _trust.FindByKey(peerKeyHex)?.Name ?? "";
        var mode = connection.Window is null ? SessionInfo.ServeMode : SessionInfo.PairMode;
        var info = new SessionInfo(
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), peerName, peerKeyHex, remoteAddress,
            Wire.Now(), mode);
        await using var peer = new Peer(channel, new PeerOptions { MaxConcurrentHandlers = _options.MaxCallsInFlight }, new SessionDispatcher(_dispatcher, _options.Policy, _audit, info, _options.Home));
        var session = new ActiveSession(info, peer);

        var registration = _registry.TryRegister(session);
        if (!registration.IsRegistered)
        {
            _logger.LogInformation("rejected {Peer} ({Fingerprint}) from {Remote}: busy ({Active} is active)",
                Label(peerName, peerKeyHex), Fingerprint.Colon(peerKeyHex), remoteAddress, registration.BusyNames);
            _audit?.SessionRejected(peerName, peerKeyHex, remoteAddress, $"busy: {registration.BusyNames}");
            await RejectAsync(channel, new ErrorInfo(ErrorCodes.Busy, registration.BusyMessage)).ConfigureAwait(false);
            connection.Window?.Succeed(Outcome(peerName, peerKeyHex) with { ActiveController = registration.BusyNames });
            return;
        }

        foreach (var old in registration.Bumped)
        {
            _logger.LogInformation("bumping session {Id}: {Peer} reconnected from {Remote}", old.Id, Label(peerName, peerKeyHex), remoteAddress);
            await old.EvictAsync("admin_disconnect").ConfigureAwait(false);
        }

        // Nothing the previous controller asked for may still run once this one is served.
        if (await Task.WhenAny(registration.PreviousDrained, Task.Delay(HandoverDrainTimeout, cancellationToken)).ConfigureAwait(false) != registration.PreviousDrained)
        {
            _logger.LogWarning("the previous session's calls did not finish within {Seconds} s after it was cancelled; serving {Peer} anyway",
                HandoverDrainTimeout.TotalSeconds, Label(peerName, peerKeyHex));
        }

        _logger.LogInformation("session {Id} opened: {Peer} ({Fingerprint}) from {Remote}, mode {Mode}",
            info.Id, Label(peerName, peerKeyHex), Fingerprint.Colon(peerKeyHex), remoteAddress, mode);
        _audit?.SessionOpened(info);
        var closeReason = "";
        try
        {
            var helloTask = peer.StartAsync(ServerHello(), connection.ClientHello, cancellationToken);
            session.MarkHelloSent();
            await helloTask.ConfigureAwait(false);
            connection.Window?.Succeed(Outcome(peerName, peerKeyHex));
            var reason = await peer.Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("session {Id} of {Peer} closed: {Reason}", info.Id, Label(peerName, peerKeyHex), reason.Message);
        }
        catch (Exception ex) when (ex is ProtocolException or ConnectionClosedException or OperationCanceledException)
        {
            connection.Window?.Succeed(Outcome(peerName, peerKeyHex));
            if (peer.RemoteHello is null && ex is not OperationCanceledException)
            {
                closeReason = $"error: {ex.Message}";
            }

            _logger.LogInformation("session {Id} of {Peer} ended: {Reason}", info.Id, Label(peerName, peerKeyHex), ex.Message);
        }
        finally
        {
            _registry.Remove(session);
            _audit?.SessionClosed(info, Wire.Now() - info.StartedAt, closeReason);
            await peer.CloseAsync(_stopping.IsCancellationRequested ? TransportCloseStatus.GoingAway : TransportCloseStatus.Normal).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Tells a pairing attempt from an authentication by its first message and runs the handshake that answers it,
    /// so a daemon with an open pairing window keeps serving its paired controllers (upstream treats every
    /// connection as pairing then).
    /// </summary>
    private async Task<(SessionKeys Keys, PairingWindow? Window)> RunHandshakeAsync(IMessageTransport transport, CancellationToken cancellationToken)
    {
        var window = CurrentPairingWindow();
        var handshakes = new Dictionary<string, IServerHandshake>(StringComparer.Ordinal);
        if (!_options.PairingOnly)
        {
            handshakes[_authentication.Kind] = _authentication;
        }

        foreach (var pairing in window?.Handshakes(_staticKey) ?? [])
        {
            handshakes[pairing.Kind] = pairing;
        }

        // A v1 controller is answered by name even when the window does not take it, so the desk can say why; so is a
        // paired controller at a pairing-only server, which is refused as spec §6.7 words it.
        string[] accepted = _options.PairingOnly
            ? [HandshakeMessage.PairHello, .. handshakes.Keys.Where(k => k != HandshakeMessage.PairHello), HandshakeMessage.AuthHello]
            : window is null ? [.. handshakes.Keys] : [.. handshakes.Keys.Append(HandshakeMessage.PairHello).Distinct()];
        var first = await HandshakeMessage.ReceiveAsync(transport, cancellationToken, accepted).ConfigureAwait(false);
        var kind = (string)first["kind"]!;
        if (_options.PairingOnly && kind == HandshakeMessage.AuthHello)
        {
            window?.Notify($"a controller from {RemoteAddress.HostOf(transport.RemoteAddress)} tried to connect as already paired; this window only pairs (`opendesk serve` serves paired controllers).");
            throw new HandshakeException(HandshakeFailureReason.Protocol, $"expected {HandshakeMessage.PairHello}, got {PyRepr.Format(kind)}");
        }

        if (!handshakes.TryGetValue(kind, out var handshake))
        {
            if (window is null)
            {
                throw new HandshakeException(HandshakeFailureReason.Protocol, "no pairing window is open");
            }

            window.Notify($"a legacy (v1) controller from {RemoteAddress.HostOf(transport.RemoteAddress)} tried to pair; this window takes only CPace pairing. If you trust the network, run `opendesk pair --legacy` to let it in.");
            throw new HandshakeException(HandshakeFailureReason.Protocol, PairingWindow.LegacyRefused);
        }

        if (!handshake.Pairs)
        {
            return (await handshake.RunAsync(transport, first, cancellationToken).ConfigureAwait(false), null);
        }

        try
        {
            return (await handshake.RunAsync(transport, first, cancellationToken).ConfigureAwait(false), window);
        }
        catch (Exception ex) when (ex is HandshakeException or OperationCanceledException)
        {
            // A client with the wrong code gives up before finishing, so the server mostly sees a close, not a
            // failed proof; a stalled attempt runs into the deadline. Either way it was a guess, and it counts.
            var failures = window!.RecordFailedAttempt(transport.RemoteAddress);
            _logger.LogWarning("pairing attempt from {Remote} failed ({Failures} of {Max}): {Message}",
                transport.RemoteAddress, failures, PairingWindow.MaxFailedAttempts, ex.Message);
            throw;
        }
    }

    private PairingWindow? CurrentPairingWindow()
    {
        lock (_pairingLock)
        {
            return _pairing is { } window && window.IsOpen(DateTimeOffset.UtcNow) ? window : null;
        }
    }

    /// <summary>
    /// The busy flow of spec §9.5, also used for a pairing this desk could not store: our HELLO with the error, then
    /// close. Their HELLO was already read (it proved their key), so the drain step is done; the close handshake
    /// gives them the time to read ours.
    /// </summary>
    private static async Task RejectAsync(SecureChannel channel, ErrorInfo error)
    {
        try
        {
            var hello = new HelloFrame(HelloFrame.ServerRole, "", new MsgMap(), new MsgMap(), error);
            await channel.SendAsync(hello).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OpenDeskException or OperationCanceledException)
        {
        }
        finally
        {
            await channel.CloseAsync().ConfigureAwait(false);
        }
    }

    private HelloFrame ServerHello()
    {
        var manifest = _options.Computer.Manifest;
        var description = _description.Read();
        if (description.Length > 0)
        {
            manifest = manifest with { Description = description };
        }

        return new HelloFrame(HelloFrame.ServerRole, "", new MsgMap(), manifest.ToMap(), null);
    }

    /// <summary>What a controller whose pairing this desk could not store is told (in a HELLO error, code <c>internal</c>).</summary>
    internal const string PairingNotStored =
        "its trust store is damaged or cannot be written, so it does not trust this controller; its owner sees why where `opendesk pair` runs";

    private static PairingOutcome Outcome(string name, string keyHex) => new(SessionInfo.LabelOf(name, keyHex), keyHex, Fingerprint.Colon(keyHex));

    private static string Label(string name, string keyHex) => SessionInfo.LabelOf(name, keyHex);

    private sealed class AdminOperations(OpenDeskServer server) : IAdminOperations
    {
        public int Port => server.Port;

        public IReadOnlyList<SessionInfo> ListSessions() => server.Sessions;

        public Task<bool> KillAsync(string sessionId, string reason, CancellationToken cancellationToken) => server.KillAsync(sessionId, reason);

        public Task<int> KillAllAsync(string reason, CancellationToken cancellationToken) => server.KillAllAsync(reason);

        public Task<PairingOutcome> PairAsync(PairingRequest request, CancellationToken cancellationToken) => server.PairAsync(request, cancellationToken);
    }

    /// <summary>A connection whose client proved its key: the channel, its HELLO, and the pairing window it used, if any.</summary>
    private sealed record AuthenticatedConnection(SecureChannel Channel, HelloFrame ClientHello, PairingWindow? Window);
}
