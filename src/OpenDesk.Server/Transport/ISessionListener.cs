using Microsoft.Extensions.Logging;
using OpenDesk.Transport;

namespace OpenDesk.Server.Transport;

/// <summary>Serves one accepted connection; <paramref name="ticket"/> is its place among the unauthenticated ones.</summary>
public delegate Task ConnectionHandler(IMessageTransport transport, ConnectionTicket ticket, CancellationToken cancellationToken);

/// <summary>Where a server's connections come from while it runs; disposing it stops them and closes open ones.</summary>
public interface ISessionListener : IAsyncDisposable
{
    /// <summary>The TCP port connections arrive on, or 0 when they do not come over TCP.</summary>
    int Port { get; }
}

/// <summary>Starts the <see cref="ISessionListener"/> a server takes its connections from.</summary>
public interface ISessionListenerFactory
{
    /// <summary>Starts listening; <paramref name="handler"/> serves each connection until its task ends.</summary>
    Task<ISessionListener> StartAsync(ConnectionHandler handler, ILoggerFactory? loggerFactory, CancellationToken cancellationToken);
}

/// <summary>The network listener: WebSocket on a TCP port (spec §1), behind the connection gate.</summary>
/// <param name="host">An IP address, <c>localhost</c> or a host name to bind.</param>
/// <param name="port">The TCP port, or 0 for one the OS picks.</param>
/// <param name="transport">Receive limit and liveness of each connection.</param>
/// <param name="limits">What unauthenticated connections may do.</param>
public sealed class WebSocketListenerFactory(string host, int port, TransportOptions transport, ConnectionLimits limits) : ISessionListenerFactory
{
    public async Task<ISessionListener> StartAsync(ConnectionHandler handler, ILoggerFactory? loggerFactory, CancellationToken cancellationToken) =>
        await WebSocketServer.StartAsync(host, port, transport, limits, handler, loggerFactory, cancellationToken).ConfigureAwait(false);
}
