using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace OpenDesk.Transport;

/// <summary>The dialling side of the transport (spec §1): opens a <see cref="ClientWebSocket"/> to an opendesk server.</summary>
internal static class WebSocketConnector
{
    /// <summary>
    /// Connects to <paramref name="uri"/> (<c>ws://</c> or <c>wss://</c>; the path is sent as given, spec §1 uses <c>/</c>).
    /// No proxy is used: opendesk peers talk directly on the LAN, and an HTTP proxy from the environment would
    /// only break or expose that.
    /// </summary>
    /// <param name="uri">The server URL. The fragment (the §19.1 public key) is ignored here.</param>
    /// <param name="options">Receive limit and keepalive for the connection.</param>
    /// <param name="connectTimeout">Limit for TCP connect plus the HTTP upgrade; <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="cancellationToken">Cancels the attempt with an <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ConnectionClosedException">The server cannot be reached or refused the upgrade.</exception>
    public static async Task<IMessageTransport> ConnectAsync(Uri uri, TransportOptions options, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(options);
        if (!uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw new ArgumentException($"expected a ws:// or wss:// URL, got '{uri}'", nameof(uri));
        }

        if (connectTimeout <= TimeSpan.Zero && connectTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(connectTimeout), connectTimeout, "must be positive or Timeout.InfiniteTimeSpan");
        }

        string endpoint = FormattableString.Invariant($"{uri.Host}:{uri.Port}");
        var connection = new StrongBox<(EndPoint? Remote, TrafficStream? Traffic, TcpDelivery? Delivery)>();
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = (context, token) => ConnectTcpAsync(context, connection, token),
        };
        var invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = options.EffectiveKeepAliveInterval;
        socket.Options.KeepAliveTimeout = options.WebSocketPongTimeout;
        socket.Options.CollectHttpResponseDetails = true;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (connectTimeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(connectTimeout);
        }

        try
        {
            await socket.ConnectAsync(uri, invoker, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            HttpStatusCode status = socket.HttpStatusCode;
            socket.Dispose();
            invoker.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (e is OperationCanceledException && timeout.IsCancellationRequested)
            {
                throw new ConnectionClosedException(
                    $"cannot connect to {endpoint}: no answer within {connectTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (is the host up and the port reachable?)", e);
            }

            if (e is WebSocketException or HttpRequestException or SocketException or IOException or System.Security.Authentication.AuthenticationException)
            {
                throw new ConnectionClosedException($"cannot connect to {endpoint}: {Describe(e, status)}", e);
            }

            throw;
        }

        var (remote, traffic, delivery) = connection.Value;
        return new WebSocketMessageTransport(socket, options, WebSocketMessageTransport.FormatAddress(remote), traffic, delivery, invoker);
    }

    // A custom connect records the peer's IP for RemoteAddress, sets TCP_NODELAY (which matters for the small,
    // latency-bound input and RPC frames) and observes the traffic the WebSocket's liveness is judged by.
    private static async ValueTask<Stream> ConnectTcpAsync(
        SocketsHttpConnectionContext context, StrongBox<(EndPoint? Remote, TrafficStream? Traffic, TcpDelivery? Delivery)> connection, CancellationToken cancellationToken)
    {
        // Dual-mode when IPv6 exists, so every address the name resolves to can be tried.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            var traffic = new TrafficStream(new NetworkStream(socket, ownsSocket: true));
            connection.Value = (socket.RemoteEndPoint, traffic, new TcpDelivery(socket));
            return traffic;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Describe(Exception e, HttpStatusCode status)
    {
        if (status != 0 && status != HttpStatusCode.SwitchingProtocols)
        {
            return FormattableString.Invariant(
                $"server answered HTTP {(int)status} instead of accepting the WebSocket upgrade (is this an opendesk server?)");
        }

        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is SocketException socketError)
            {
                return socketError.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused (is the opendesk server running and listening on that port?)",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found (check the name, or use an IP address)",
                    SocketError.TimedOut => "connection timed out (is the host up, and does a firewall allow the port?)",
                    SocketError.HostUnreachable or SocketError.HostDown => "host unreachable (check the address and that the host is up)",
                    SocketError.NetworkUnreachable or SocketError.NetworkDown => "network unreachable (check the address and this machine's network)",
                    SocketError.ConnectionReset or SocketError.ConnectionAborted => "connection reset by the remote host",
                    SocketError.AddressNotAvailable => "address not available",
                    SocketError.AccessDenied => "permission denied",
                    _ => socketError.Message,
                };
            }
        }

        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException http)
            {
                switch (http.HttpRequestError)
                {
                    case HttpRequestError.NameResolutionError:
                        return "host not found (check the name, or use an IP address)";
                    case HttpRequestError.SecureConnectionError:
                        return $"TLS handshake failed ({Innermost(http).Message})";
                    case HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded:
                        return "the server did not answer with a valid WebSocket upgrade (is this an opendesk server?)";
                }
            }
        }

        return Innermost(e).Message;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
