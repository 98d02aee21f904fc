using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Transport;

namespace OpenDesk.Server.Transport;


/// <summary>
/// The listening side of the transport (spec §1): an embedded Kestrel that upgrades a request on any path to a
/// WebSocket and hands it to a callback, keeping the HTTP request alive until the callback's task completes.
/// Strangers are kept in check before they cost anything: each TCP connection passes a
/// <see cref="ConnectionGate"/> at accept, must finish its upgrade within <see cref="ConnectionLimits.UpgradeTimeout"/>,
/// and its traffic is observed for liveness.
/// </summary>
internal sealed class WebSocketServer : ISessionListener
{
    private const string ShutdownReason = "server shutting down";

    // Kestrel waits this long for connection callbacks to finish after they were cancelled, then aborts them.
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly TransportOptions _options;
    private readonly ConnectionHandler _onConnection;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<WebSocketMessageTransport> _connections = [];
    private bool _stopped;
    private Task? _stopTask;

    private WebSocketServer(WebApplication app, TransportOptions options, ConnectionHandler onConnection, ILogger logger)
    {
        _app = app;
        _options = options;
        _onConnection = onConnection;
        _logger = logger;
    }

    /// <summary>The bound TCP port: the requested one, or the one the OS picked for port 0.</summary>
    public int Port { get; private set; }

    /// <inheritdoc cref="StartAsync(string, int, TransportOptions, ConnectionLimits, ConnectionHandler, ILoggerFactory?, CancellationToken)"/>
    public static Task<WebSocketServer> StartAsync(
        string host,
        int port,
        TransportOptions options,
        Func<IMessageTransport, CancellationToken, Task> onConnection,
        CancellationToken cancellationToken) =>
        StartAsync(host, port, options, new ConnectionLimits(), (transport, _, ct) => onConnection(transport, ct), loggerFactory: null, cancellationToken);

    /// <summary>
    /// Starts listening on <paramref name="host"/>:<paramref name="port"/>. <paramref name="onConnection"/> runs once per
    /// accepted WebSocket; its token is cancelled when the server stops (after the connection got its 1001 close).
    /// The transport is closed when the callback's task completes.
    /// </summary>
    /// <param name="host">An IP address (<c>0.0.0.0</c>, <c>::</c>, <c>127.0.0.1</c>, …), <c>localhost</c> or a host name.</param>
    /// <param name="port">The TCP port, or 0 for one the OS picks (see <see cref="Port"/>).</param>
    /// <param name="options">Receive limit and keepalive for every accepted connection.</param>
    /// <param name="limits">What unauthenticated connections may do (caps, penalties, the upgrade deadline).</param>
    /// <param name="onConnection">Serves one connection. Exceptions it throws are logged and end that connection only.</param>
    /// <param name="loggerFactory">Receives Kestrel's and this server's logs; by default nothing is logged.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="OpenDeskException">The address cannot be bound, e.g. the port is already in use.</exception>
    public static async Task<WebSocketServer> StartAsync(
        string host,
        int port,
        TransportOptions options,
        ConnectionLimits limits,
        ConnectionHandler onConnection,
        ILoggerFactory? loggerFactory,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(onConnection);
        loggerFactory ??= NullLoggerFactory.Instance;
        var transportLogger = loggerFactory.CreateLogger("opendesk.transport");
        var fitted = limits.FitTo(DescriptorHeadroom.Measure());
        if (fitted.StartupsFull < limits.StartupsFull)
        {
            transportLogger.LogWarning(
                "the open-file limit leaves room for only {Count} unauthenticated connections at once; raise it (ulimit -n) to accept more",
                fitted.StartupsFull);
        }

        var gate = new ConnectionGate(fitted, transportLogger);

        IPAddress[] addresses = await ResolveListenAddressesAsync(host, port, cancellationToken).ConfigureAwait(false);

        // The empty builder reads no appsettings.json or ASPNETCORE_* variables, so the environment cannot add
        // endpoints, HTTPS or log output to an embedded server.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime>(new EmbeddedHostLifetime());
        builder.WebHost.UseKestrelCore();

        // Registered after Kestrel's own socket transport, so it is the one Kestrel binds with.
        builder.Services.AddSingleton<IConnectionListenerFactory>(new GatedSocketTransportFactory(gate, loggerFactory));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // An idle TCP connection otherwise waits 130 s for its first request.
            kestrel.Limits.KeepAliveTimeout = limits.UpgradeTimeout;
            kestrel.Limits.RequestHeadersTimeout = limits.UpgradeTimeout;
            if (addresses.Length == 0)
            {
                kestrel.ListenLocalhost(port, ConfigureListener);
            }
            else
            {
                foreach (IPAddress address in addresses)
                {
                    kestrel.Listen(address, port, ConfigureListener);
                }
            }
        });

        WebApplication app = builder.Build();
        var server = new WebSocketServer(
            app,
            options,
            onConnection,
            loggerFactory.CreateLogger(typeof(WebSocketServer).FullName ?? nameof(WebSocketServer)));

        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new ObservedUpgrade(upgrade));
            }

            return next(context);
        });
        app.UseWebSockets(new WebSocketOptions
        {
            KeepAliveInterval = options.EffectiveKeepAliveInterval,
            KeepAliveTimeout = options.WebSocketPongTimeout,
        });
        app.Run(server.HandleRequestAsync);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new OpenDeskException($"cannot listen on {host}:{port}: {DescribeBindFailure(e)}", e);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        server.Port = BoundPort(app, port);
        return server;
    }

    /// <summary>
    /// Stops accepting, closes every open connection with 1001 (going away), cancels the connection callbacks and
    /// waits (bounded) for them to finish. Idempotent; never throws.
    /// </summary>
    public Task StopAsync()
    {
        lock (_lock)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static void ConfigureListener(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1;

        // The gate admitted the connection with a ticket; whatever way the connection ends, its place is given back.
        listen.Use(next => async connection =>
        {
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                connection.Features.Get<ConnectionTicket>()?.Dispose();
            }
        });
    }

    private static async Task<IPAddress[]> ResolveListenAddressesAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.AsSpan().Trim("[]"), out IPAddress? literal))
        {
            return [literal];
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel binds both loopbacks for "localhost" (an empty list here), but cannot do so with a dynamic
            // port because the two sockets would get different ones.
            return port == 0 ? [IPAddress.Loopback] : [];
        }

        IPAddress[] resolved;
        try
        {
            resolved = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new OpenDeskException($"cannot listen on {host}:{port}: cannot resolve host name ({e.Message})", e);
        }

        resolved = [.. resolved.Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Distinct()];
        if (resolved.Length == 0)
        {
            throw new OpenDeskException($"cannot listen on {host}:{port}: host name resolves to no address");
        }

        // Several sockets on port 0 would each get a different port; one address keeps Port meaningful.
        return port == 0 ? [resolved[0]] : resolved;
    }

    private static string DescribeBindFailure(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is AddressInUseException || current is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return "address already in use";
            }

            if (current is SocketException { SocketErrorCode: SocketError.AddressNotAvailable })
            {
                return "address not available on this machine";
            }

            if (current is SocketException { SocketErrorCode: SocketError.AccessDenied })
            {
                return "permission denied";
            }
        }

        return e.Message;
    }

    private static int BoundPort(WebApplication app, int requestedPort)
    {
        IServerAddressesFeature? feature = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        foreach (string address in feature?.Addresses ?? [])
        {
            int bound = BindingAddress.Parse(address).Port;
            if (bound != 0)
            {
                return bound;
            }
        }

        return requestedPort;
    }

    private async Task HandleRequestAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            context.Response.Headers.Connection = "Upgrade";
            return;
        }

        if (_stopping.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var ticket = context.Features.Get<ConnectionTicket>() ?? ConnectionTicket.Ungated(context.Connection.RemoteIpAddress);
        WebSocketMessageTransport transport;
        try
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false })
                .ConfigureAwait(false);
            transport = new WebSocketMessageTransport(
                socket,
                _options,
                WebSocketMessageTransport.FormatAddress(context.Connection.RemoteIpAddress, context.Connection.RemotePort),
                (context.Features.Get<IHttpUpgradeFeature>() as ObservedUpgrade)?.Traffic,
                context.Features.Get<TcpDelivery>());
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ConnectionResetException)
        {
            _logger.LogDebug(e, "WebSocket upgrade from {Remote} failed", context.Connection.RemoteIpAddress);
            return;
        }

        bool accepted;
        lock (_lock)
        {
            accepted = !_stopped && _connections.Add(transport);
        }

        if (!accepted)
        {
            await transport.CloseAsync(TransportCloseStatus.GoingAway, ShutdownReason).ConfigureAwait(false);
            return;
        }

        try
        {
            await _onConnection(transport, ticket, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The callback gave up because the server is stopping: the expected way out.
        }
        catch (ConnectionClosedException e)
        {
            _logger.LogDebug(e, "connection from {Remote} closed", transport.RemoteAddress);
        }
        catch (Exception e)
        {
            // One connection's bug must not reach Kestrel, which would log it with less context.
            _logger.LogError(e, "connection handler for {Remote} failed", transport.RemoteAddress);
        }
        finally
        {
            lock (_lock)
            {
                _connections.Remove(transport);
            }

            await transport.CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task StopCoreAsync()
    {
        WebSocketMessageTransport[] open;
        lock (_lock)
        {
            _stopped = true;
            open = [.. _connections];
        }

        // Closing before cancelling lets a callback blocked in ReceiveAsync see a clean close (null) rather than a
        // cancellation, which would abort the socket before the 1001 frame could go out.
        await Task.WhenAll(open.Select(t => t.CloseAsync(TransportCloseStatus.GoingAway, ShutdownReason).AsTask())).ConfigureAwait(false);

        bool drained = false;
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(ShutdownTimeout);
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
                drained = true;
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("connection callbacks did not finish within {Timeout} after the server stopped", ShutdownTimeout);
            }

            await _app.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Stopping must always succeed for the caller; what failed (a token callback, Kestrel) is only logged.
            _logger.LogError(e, "error while stopping the WebSocket server");
        }

        if (drained)
        {
            // A callback that outlived the timeout may still hold the token; leave the source to the GC then.
            _stopping.Dispose();
        }
    }

    /// <summary>Kestrel's upgrade, with the upgraded stream observed for <see cref="LivenessMonitor"/>.</summary>
    private sealed class ObservedUpgrade(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
    {
        public TrafficStream? Traffic { get; private set; }

        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync()
        {
            Traffic = new TrafficStream(await inner.UpgradeAsync().ConfigureAwait(false));
            return Traffic;
        }
    }
}
