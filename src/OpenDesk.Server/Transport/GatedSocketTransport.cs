using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using OpenDesk.Transport;

namespace OpenDesk.Server.Transport;

/// <summary>
/// Kestrel's socket transport with two things it lacks: every accepted socket passes the
/// <see cref="ConnectionGate"/> before Kestrel allocates anything for it, and running out of file descriptors
/// (EMFILE/ENFILE) pauses accepting with a back-off instead of spinning, so the connections already served
/// (the active controller) keep working while a flood lasts.
/// </summary>
internal sealed class GatedSocketTransportFactory(ConnectionGate gate, ILoggerFactory loggerFactory)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private const int Backlog = 512;

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint ip)
        {
            throw new NotSupportedException($"{endpoint.GetType().Name} is not supported; listen on an IP endpoint");
        }

        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(ip);
            socket.Listen(Backlog);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var logger = loggerFactory.CreateLogger("opendesk.transport");
        var contexts = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), logger);
        return new ValueTask<IConnectionListener>(new GatedSocketListener(
            socket.LocalEndPoint!, socket.AcceptAsync, contexts.Create, gate, logger, () =>
            {
                socket.Dispose();
                contexts.Dispose();
            }));
    }
}

/// <summary>The accept loop of <see cref="GatedSocketTransportFactory"/>, over any source of accepted sockets.</summary>
internal sealed class GatedSocketListener(
    EndPoint endPoint,
    Func<CancellationToken, ValueTask<Socket>> accept,
    Func<Socket, ConnectionContext> createContext,
    ConnectionGate gate,
    ILogger logger,
    Action close) : IConnectionListener
{
    private static readonly TimeSpan FirstBackOff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(1);

    private bool _starved;

    public EndPoint EndPoint { get; } = endPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        var backOff = FirstBackOff;
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await accept(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException
                || e is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                if (!_starved)
                {
                    _starved = true;
                    logger.LogError("cannot accept connections: {Error}; retrying with back-off while existing sessions keep running", e.Message);
                }

                await Task.Delay(backOff, cancellationToken).ConfigureAwait(false);
                backOff = TimeSpan.FromTicks(Math.Min(MaxBackOff.Ticks, backOff.Ticks * 2));
                continue;
            }
            catch (SocketException)
            {
                // The connection was reset while it waited in the backlog.
                continue;
            }

            if (_starved)
            {
                _starved = false;
                logger.LogWarning("accepting connections again");
            }

            backOff = FirstBackOff;
            var ticket = gate.TryAdmit((accepted.RemoteEndPoint as IPEndPoint)?.Address);
            if (ticket is null)
            {
                Refuse(accepted);
                continue;
            }

            ConnectionContext connection;
            try
            {
                accepted.NoDelay = true;
                connection = createContext(accepted);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                ticket.Dispose();
                accepted.Dispose();
                continue;
            }

            connection.Features.Set(ticket);
            connection.Features.Set(new TcpDelivery(accepted));
            return connection;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        close();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        close();
        return ValueTask.CompletedTask;
    }

    // A reset instead of an orderly close: no TIME_WAIT state is left behind for each refused connection.
    private static void Refuse(Socket accepted)
    {
        try
        {
            accepted.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }

        accepted.Dispose();
    }
}
