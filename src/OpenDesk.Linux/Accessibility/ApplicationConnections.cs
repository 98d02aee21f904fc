using System.Net.Sockets;
using Tmds.DBus.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// Direct connections to applications. An AT-SPI application serves its objects on a private socket as well as
/// on the accessibility bus (Application.GetApplicationBusAddress); calls over it skip the bus daemon, which
/// otherwise parses and forwards every call and reply, so a tree of hundreds of calls costs a third less time
/// and half the CPU. An application without such a socket, or one that does not answer on it in time, is
/// reached through the bus. Connections are kept across requests and dropped once their application exits.
/// </summary>
internal sealed class ApplicationConnections(AtSpiConnection bus) : IDisposable
{
    /// <summary>The handshake on a local socket takes microseconds; an application that stalls it is not waited for.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>More applications than a desktop runs; beyond it the oldest connection is closed.</summary>
    private const int MaxConnections = 32;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task<AtSpiConnection?>> _connections = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private bool _disposed;

    /// <summary>The connection to use for calls to the application on <paramref name="busName"/>.</summary>
    /// <param name="busName">The application's unique name on the accessibility bus.</param>
    /// <param name="address">What the application answered to GetApplicationBusAddress; empty or null when it has no private socket.</param>
    public async Task<AtSpiConnection> ForAsync(string busName, string? address)
    {
        Task<AtSpiConnection?> pending;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var known = _connections.TryGetValue(busName, out pending!);
            if (!known || pending.IsCompleted && pending.Result is { IsConnected: false })
            {
                if (known)
                {
                    Close(pending);
                }

                if (!IsLocalSocket(address))
                {
                    _connections.Remove(busName);
                    return bus;
                }

                pending = ConnectAsync(address!);
                _connections[busName] = pending;
                if (!known)
                {
                    _order.Enqueue(busName);
                }

                TrimLocked();
            }
        }

        return await pending.ConfigureAwait(false) ?? bus;
    }

    public void Dispose()
    {
        List<Task<AtSpiConnection?>> connections;
        lock (_gate)
        {
            _disposed = true;
            connections = [.. _connections.Values];
            _connections.Clear();
            _order.Clear();
        }

        foreach (var connection in connections)
        {
            Close(connection);
        }
    }

    private static void Close(Task<AtSpiConnection?> connection) =>
        _ = connection.ContinueWith(static t => t.Result?.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>Only a Unix socket: an application must not be able to make serve dial out over the network.</summary>
    private static bool IsLocalSocket(string? address) =>
        address is { Length: > 0 } && address.StartsWith("unix:", StringComparison.Ordinal) && !address.Contains(';', StringComparison.Ordinal);

    private static async Task<AtSpiConnection?> ConnectAsync(string address)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            return await AtSpiConnection.ConnectAsync(address, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusExceptionBase or IOException or SocketException or ArgumentException or OperationCanceledException)
        {
            return null;
        }
    }

    private void TrimLocked()
    {
        while (_connections.Count > MaxConnections && _order.TryDequeue(out var oldest))
        {
            if (_connections.Remove(oldest, out var connection))
            {
                Close(connection);
            }
        }
    }
}
