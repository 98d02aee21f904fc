using System.Net;
using Microsoft.Extensions.Logging;
using OpenDesk.Transport;

namespace OpenDesk.Server.Transport;

/// <summary>
/// Connections made in-process, for tests and embedded uses: each <see cref="ConnectAsync"/> hands one end of an
/// <see cref="InMemoryTransport"/> pair to the server and returns the other, with the server's full handshake,
/// session and policy behind it and no socket anywhere.
/// </summary>
public sealed class InMemoryListener : ISessionListenerFactory, ISessionListener
{
    private readonly Lock _lock = new();
    private readonly List<Task> _connections = [];
    private readonly CancellationTokenSource _stopping = new();
    private ConnectionHandler? _handler;

    public int Port => 0;

    public Task<ISessionListener> StartAsync(ConnectionHandler handler, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("this in-memory listener already serves a server");
        }

        return Task.FromResult<ISessionListener>(this);
    }

    /// <summary>A new connection to the server, as if dialled from <paramref name="remoteAddress"/>.</summary>
    public Task<IMessageTransport> ConnectAsync(string remoteAddress = "127.0.0.1:1", CancellationToken cancellationToken = default)
    {
        var handler = _handler ?? throw new InvalidOperationException("no server listens here yet");
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        cancellationToken.ThrowIfCancellationRequested();
        var (client, server) = InMemoryTransport.CreatePair();
        server.RemoteAddress = remoteAddress;
        var ticket = ConnectionTicket.Ungated(IPAddress.TryParse(RemoteAddress.HostOf(remoteAddress), out var address) ? address : null);
        var connection = Task.Run(async () =>
        {
            try
            {
                await handler(server, ticket, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or OpenDeskException)
            {
                // The connection's own end, as over a socket.
            }
            finally
            {
                ticket.Dispose();
                await server.CloseAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);
        lock (_lock)
        {
            _connections.Add(connection);
        }

        return Task.FromResult<IMessageTransport>(client);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
