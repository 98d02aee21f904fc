using System.Threading.Channels;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Protocol;

namespace OpenDesk.Server.Admin;

/// <summary>
/// The admin IPC of a running server (spec §20): answers <c>list</c>, <c>kill</c>, <c>kill_all</c> and our
/// <c>pair</c> extension, one request per connection, on whichever <see cref="AdminEndpoint"/> it was started
/// with. Only the user running serve may talk to it; the endpoint drops every other user before a byte is read.
/// </summary>
internal sealed class AdminServer : IAsyncDisposable
{
    /// <summary>The eviction reason of every admin kill (spec §15.3), which cooperative clients key on.</summary>
    public const string KillReason = "admin_disconnect";

    /// <summary>How long a client may take to deliver its request before the server gives up on it.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>What <c>opendesk pair</c> defaults to (spec §24) when a request carries no timeout.</summary>
    private const double DefaultPairTimeoutSeconds = 300.0;

    /// <summary>A day; longer waits are certainly a typo, and the bound keeps the timer arithmetic in range.</summary>
    private const double MaxPairTimeoutSeconds = 86_400.0;

    /// <summary>Bounds dispose when an operation ignores cancellation, so shutdown cannot hang on admin.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private readonly AdminListener _listener;
    private readonly IAdminOperations _operations;
    private readonly ILogger _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly Task _acceptLoop;
    private long _nextConnectionId;
    private int _disposed;

    private AdminServer(AdminEndpoint endpoint, AdminListener listener, IAdminOperations operations, ILogger logger, TimeSpan requestTimeout)
    {
        Endpoint = endpoint;
        _listener = listener;
        _operations = operations;
        _logger = logger;
        _requestTimeout = requestTimeout;
        _stoppingToken = _stopping.Token;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Where this server listens.</summary>
    public AdminEndpoint Endpoint { get; }

    /// <inheritdoc cref="StartAsync(AdminEndpoint, IAdminOperations, ILogger?, TimeSpan, CancellationToken)"/>
    public static Task<AdminServer> StartAsync(AdminEndpoint endpoint, IAdminOperations operations, ILogger? logger, CancellationToken cancellationToken) =>
        StartAsync(endpoint, operations, logger, DefaultRequestTimeout, cancellationToken);

    /// <summary>
    /// Claims <paramref name="endpoint"/> (normally <see cref="AdminEndpoint.Of"/> the home) and starts answering;
    /// see <see cref="AdminEndpoint.ListenAsync"/> for how a live or a crashed previous server is told apart.
    /// A client gets <paramref name="requestTimeout"/> to deliver its request.
    /// </summary>
    /// <exception cref="OpenDeskException">Another serve owns the endpoint, or the endpoint cannot be created.</exception>
    public static async Task<AdminServer> StartAsync(
        AdminEndpoint endpoint,
        IAdminOperations operations,
        ILogger? logger,
        TimeSpan requestTimeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(requestTimeout, TimeSpan.Zero);

        var log = logger ?? NullLogger.Instance;
        var listener = await endpoint.ListenAsync(log, cancellationToken).ConfigureAwait(false);
        return new AdminServer(endpoint, listener, operations, log, requestTimeout);
    }

    /// <summary>Stops accepting, ends in-flight requests (a pending <c>pair</c> is cancelled) and releases the endpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Accepting honours the token, so the loop ends first and cannot hand the listener a call after its dispose.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);

        var drained = true;
        var pending = _connections.Values.ToArray();
        if (pending.Length > 0)
        {
            try
            {
                await Task.WhenAll(pending).WaitAsync(ShutdownGrace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                drained = false;
                _logger.LogWarning("admin IPC stopped with {Count} request(s) still running", pending.Length);
            }
        }

        // Requests that outlived the grace period still hold linked tokens; leave the source to the GC then.
        if (drained)
        {
            _stopping.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stoppingToken.IsCancellationRequested)
        {
            Stream client;
            try
            {
                client = await _listener.AcceptAsync(_stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (_stoppingToken.IsCancellationRequested && e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                return;
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                // Typically out of file descriptors; back off rather than spin, and keep serving once it clears.
                _logger.LogWarning(e, "admin IPC accept failed on {Endpoint}", Endpoint);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }
            catch (Exception e)
            {
                // Not a transient accept failure; stop accepting but leave the daemon and its sessions running.
                _logger.LogError(e, "admin IPC stopped accepting on {Endpoint}", Endpoint);
                return;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var task = Task.Run(() => ServeConnectionAsync(client));
            _connections[id] = task;
            _ = task.ContinueWith(_ => _connections.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>One connection: read one request, answer once, close. Never throws.</summary>
    private async Task ServeConnectionAsync(Stream stream)
    {
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                object? request;
                try
                {
                    request = await ReadRequestAsync(stream).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_stoppingToken.IsCancellationRequested)
                {
                    _logger.LogDebug("admin client sent no complete request within {Timeout}", _requestTimeout);
                    await TryReplyAsync(stream, AdminFrame.Error($"no complete admin request within {PyRepr.FormatFloat(_requestTimeout.TotalSeconds)}s")).ConfigureAwait(false);
                    return;
                }
                catch (OpenDeskException e)
                {
                    // Oversized or undecodable request: say why, so a hand-written client can be fixed.
                    _logger.LogDebug("rejected admin request: {Error}", e.Message);
                    await TryReplyAsync(stream, AdminFrame.Error(e.Message)).ConfigureAwait(false);
                    return;
                }

                var response = await DispatchAsync(request, stream).ConfigureAwait(false);
                await TryReplyAsync(stream, response).ConfigureAwait(false);
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or SocketException or ObjectDisposedException)
            {
                _logger.LogDebug("admin client went away: {Error}", e.Message);
            }
            catch (OperationCanceledException) when (_stoppingToken.IsCancellationRequested)
            {
                // Shutting down; the client sees the connection close.
            }
            catch (Exception e)
            {
                // A bug in one connection must not take the daemon (or its shutdown) down with it.
                _logger.LogError(e, "admin connection failed unexpectedly");
            }
        }
    }

    private async Task<object?> ReadRequestAsync(Stream stream)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stoppingToken);
        deadline.CancelAfter(_requestTimeout);
        return await AdminFrame.ReadAsync(stream, deadline.Token).ConfigureAwait(false);
    }

    private async Task TryReplyAsync(Stream stream, MsgMap response)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stoppingToken);
        deadline.CancelAfter(_requestTimeout);
        try
        {
            await AdminFrame.WriteAsync(stream, response, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug("admin reply not delivered: {Error}", e.Message);
        }
    }

    private async Task<MsgMap> DispatchAsync(object? request, Stream stream)
    {
        try
        {
            if (request is not MsgMap map)
            {
                return AdminFrame.Error($"admin frame is not a dict: {PythonTypeName(request)}");
            }

            map.TryGetValue("op", out var op);
            return op switch
            {
                "list" => List(),
                "kill" => await KillAsync(map).ConfigureAwait(false),
                "kill_all" => await KillAllAsync().ConfigureAwait(false),
                "pair" => await PairAsync(map, stream).ConfigureAwait(false),
                _ => AdminFrame.Error($"unknown op {PyRepr.Format(op)}"),
            };
        }
        catch (OperationCanceledException) when (_stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Upstream answers any failure with str(e); the daemon keeps serving whatever the operation did.
            _logger.LogWarning(e, "admin request failed");
            return AdminFrame.Error(e.Message);
        }
    }

    private MsgMap List()
    {
        var now = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        var sessions = _operations.ListSessions().Select(s => (object?)AdminFrame.SessionMap(s, now)).ToList();
        return new MsgMap(2) { ["ok"] = true, ["sessions"] = sessions };
    }

    private async Task<MsgMap> KillAsync(MsgMap request)
    {
        if (!request.TryGetValue("id", out var value) || value is not string id)
        {
            return AdminFrame.Error("missing 'id'");
        }

        var killed = await _operations.KillAsync(id, KillReason, _stoppingToken).ConfigureAwait(false);
        _logger.LogInformation("admin kill of session {SessionId}: {Outcome}", id, killed ? "closed" : "no live session");
        return new MsgMap(2) { ["ok"] = killed, ["killed"] = killed ? 1L : 0L };
    }

    private async Task<MsgMap> KillAllAsync()
    {
        var killed = await _operations.KillAllAsync(KillReason, _stoppingToken).ConfigureAwait(false);
        _logger.LogInformation("admin kill_all closed {Count} session(s)", killed);
        return new MsgMap(2) { ["ok"] = true, ["killed"] = (long)killed };
    }

    /// <summary>
    /// Our extension, so <c>opendesk pair</c> works while serve holds the port. Once the window is open the
    /// daemon sends <c>{"ok": true, "open": true, "port": N}</c>, so the CLI shows the code only when it can be
    /// used and with the port serve really listens on; the final reply follows when someone pairs or the window
    /// times out. In between, <c>{"ok": true, "notice": "…"}</c> frames tell of failed attempts and refused legacy
    /// controllers. The final reply carries <c>"active_controller"</c> when the new controller was paired but turned away
    /// busy. <c>"legacy": true</c> opens a window that also takes protocol v1 pairing. The client hanging up
    /// (Ctrl-C in the CLI) closes the window, so an abandoned code cannot be used later; a client must therefore
    /// not half-close after its request.
    /// </summary>
    private async Task<MsgMap> PairAsync(MsgMap request, Stream stream)
    {
        if (!request.TryGetValue("code", out var codeValue) || codeValue is not string code)
        {
            return AdminFrame.Error("missing 'code'");
        }

        var seconds = DefaultPairTimeoutSeconds;
        if (request.TryGetValue("timeout", out var timeoutValue) && timeoutValue is not null)
        {
            seconds = timeoutValue switch
            {
                double d => d,
                long l => l,
                ulong u => u,
                _ => double.NaN,
            };
            if (!(seconds > 0 && seconds <= MaxPairTimeoutSeconds))
            {
                return AdminFrame.Error($"invalid 'timeout' {PyRepr.Format(timeoutValue)}: expected seconds greater than 0 and at most {PyRepr.FormatFloat(MaxPairTimeoutSeconds)}");
            }
        }

        var legacy = request.GetValueOrDefault("legacy") is true;
        using var window = CancellationTokenSource.CreateLinkedTokenSource(_stoppingToken);
        var hangup = CancelOnHangupAsync(stream, window);
        var notices = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        try
        {
            var pairing = _operations.PairAsync(
                new PairingRequest(code, TimeSpan.FromSeconds(seconds)) { AllowLegacy = legacy, OnNotice = notice => notices.Writer.TryWrite(notice) },
                window.Token);
            if (!pairing.IsCompleted)
            {
                await AdminFrame.WriteAsync(stream, new MsgMap(3) { ["ok"] = true, ["open"] = true, ["port"] = (long)_operations.Port }, window.Token).ConfigureAwait(false);
            }

            while (!pairing.IsCompleted)
            {
                await Task.WhenAny(pairing, notices.Reader.WaitToReadAsync(window.Token).AsTask()).ConfigureAwait(false);
                while (notices.Reader.TryRead(out var notice))
                {
                    await AdminFrame.WriteAsync(stream, new MsgMap(2) { ["ok"] = true, ["notice"] = notice }, window.Token).ConfigureAwait(false);
                }
            }

            var outcome = await pairing.ConfigureAwait(false);
            _logger.LogInformation("paired with {PeerName} ({Fingerprint}) through admin IPC", outcome.Name, outcome.Fingerprint);
            var reply = new MsgMap(5)
            {
                ["ok"] = true,
                ["name"] = outcome.Name,
                ["public_key"] = outcome.PublicKeyHex,
                ["fingerprint"] = outcome.Fingerprint,
            };
            if (outcome.ActiveController is { } active)
            {
                reply["active_controller"] = active;
            }

            return reply;
        }
        catch (TimeoutException)
        {
            return AdminFrame.Error($"no peer paired within {PyRepr.FormatFloat(seconds)}s.");
        }
        catch (OperationCanceledException) when (!_stoppingToken.IsCancellationRequested)
        {
            _logger.LogInformation("admin client disconnected; pairing window closed");
            return AdminFrame.Error("pairing cancelled: the admin client disconnected");
        }
        finally
        {
            await window.CancelAsync().ConfigureAwait(false);
            await hangup.ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the client to close its end and then cancels <paramref name="window"/>; returns when either happens.</summary>
    private static async Task CancelOnHangupAsync(Stream stream, CancellationTokenSource window)
    {
        var buffer = new byte[64];
        try
        {
            while (await stream.ReadAsync(buffer, window.Token).ConfigureAwait(false) > 0)
            {
                // Bytes after the request mean nothing; only the close matters.
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // A reset is a hang-up too.
        }

        await window.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Python's <c>type(x).__name__</c> for what msgpack-python would have decoded, as upstream reports it.</summary>
    private static string PythonTypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or ulong => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        MsgMap => "dict",
        System.Collections.IList => "list",
        _ => value.GetType().Name,
    };
}
