using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Server.Transport;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

/// <summary>Who may connect before authenticating: caps per address and in all, early drop, and growing penalties.</summary>
public sealed class ConnectionGateTests
{
    private static readonly IPAddress Stranger = IPAddress.Parse("192.0.2.7");

    [Fact]
    public void One_address_holds_at_most_its_share_of_unauthenticated_connections_until_one_authenticates()
    {
        var gate = new ConnectionGate(new ConnectionLimits { PerSource = 3 }, NullLogger.Instance);
        var tickets = Enumerable.Range(0, 3).Select(_ => gate.TryAdmit(Stranger)).ToList();
        Assert.All(tickets, Assert.NotNull);
        Assert.Null(gate.TryAdmit(Stranger));
        Assert.NotNull(gate.TryAdmit(IPAddress.Parse("192.0.2.8")));

        tickets[0]!.Authenticated();
        tickets[0]!.Dispose();
        Assert.NotNull(gate.TryAdmit(Stranger));
        Assert.Equal(4, gate.Pending);
    }

    [Fact]
    public void Past_the_start_threshold_connections_are_dropped_at_random_and_past_full_all_of_them()
    {
        var gate = new ConnectionGate(new ConnectionLimits { StartupsBegin = 10, StartupsRate = 30, StartupsFull = 100, PerSource = int.MaxValue }, NullLogger.Instance);
        var admitted = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (gate.TryAdmit(IPAddress.Parse($"10.0.{i / 250}.{i % 250}")) is not null)
            {
                admitted++;
            }
        }

        Assert.Equal(100, admitted);
        Assert.Equal(100, gate.Pending);

        var fresh = new ConnectionGate(new ConnectionLimits { StartupsBegin = 10, StartupsRate = 30, StartupsFull = 100, PerSource = int.MaxValue }, NullLogger.Instance);
        for (var i = 0; i < 10; i++)
        {
            Assert.NotNull(fresh.TryAdmit(IPAddress.Parse($"10.1.0.{i}")));
        }

        // At the threshold about 30% are dropped; across 200 tries both outcomes must occur.
        var outcomes = Enumerable.Range(0, 200).Select(i => fresh.TryAdmit(IPAddress.Parse($"10.2.0.{i}")) is null).ToList();
        Assert.Contains(true, outcomes);
        Assert.Contains(false, outcomes);
    }

    [Fact]
    public void Failed_handshakes_beyond_the_free_ones_refuse_the_source_for_a_doubling_time_then_are_forgotten()
    {
        var clock = new ManualClock();
        var gate = new ConnectionGate(new ConnectionLimits { FreeFailures = 2, BasePenalty = TimeSpan.FromSeconds(1), MaxPenalty = TimeSpan.FromSeconds(4) }, NullLogger.Instance, clock);
        Fail(gate);
        Fail(gate);
        Assert.NotNull(gate.TryAdmit(Stranger));

        var penalties = new List<double>();
        for (var failure = 3; failure <= 6; failure++)
        {
            Fail(gate);
            penalties.Add(RefusedFor(gate, clock).TotalSeconds);
        }

        Assert.Equal([1.0, 2.0, 4.0, 4.0], penalties);

        clock.Advance(TimeSpan.FromMinutes(11));
        Fail(gate);
        Assert.NotNull(gate.TryAdmit(Stranger));
    }

    private static void Fail(ConnectionGate gate)
    {
        using var ticket = gate.TryAdmit(Stranger)!;
        ticket.HandshakeFailed();
    }

    private static TimeSpan RefusedFor(ConnectionGate gate, ManualClock clock)
    {
        var step = TimeSpan.FromMilliseconds(250);
        var refused = TimeSpan.Zero;
        while (gate.TryAdmit(Stranger) is null)
        {
            clock.Advance(step);
            refused += step;
        }

        return refused;
    }
}
