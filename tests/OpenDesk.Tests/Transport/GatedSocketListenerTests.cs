using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Server.Transport;
using OpenDesk.Tests.Admin;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

/// <summary>The accept loop keeps going when the process runs out of descriptors, without spinning or flooding the log.</summary>
public sealed class GatedSocketListenerTests
{
    [Fact]
    public async Task Out_of_descriptors_accepting_backs_off_logs_once_and_resumes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var real = await listener.AcceptSocketAsync();

        var attempts = new List<long>();
        var clock = Stopwatch.StartNew();
        ValueTask<Socket> Accept(CancellationToken cancellationToken)
        {
            attempts.Add(clock.ElapsedMilliseconds);
            return attempts.Count <= 5
                ? ValueTask.FromException<Socket>(new SocketException((int)SocketError.TooManyOpenSockets))
                : ValueTask.FromResult(real);
        }

        var log = new ListLogger();
        var gate = new ConnectionGate(new ConnectionLimits(), NullLogger.Instance);
        await using var accepting = new GatedSocketListener(
            new IPEndPoint(IPAddress.Loopback, 0), Accept, socket => new DefaultConnectionContext(), gate, log, () => { });

        var connection = await accepting.AcceptAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(connection);
        Assert.NotNull(connection.Features.Get<ConnectionTicket>());
        Assert.Equal(6, attempts.Count);

        // 50, 100, 200, 400, 800 ms apart: backing off, not spinning.
        Assert.True(attempts[^1] - attempts[0] >= 1400, $"retried after only {attempts[^1] - attempts[0]} ms");
        Assert.Single(log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("cannot accept connections", StringComparison.Ordinal));
        Assert.Single(log.Entries, e => e.Message == "accepting connections again");
    }
}
