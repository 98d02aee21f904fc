using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Discovery;
using OpenDesk.Server.Discovery;

namespace OpenDesk.Tests.Discovery;

/// <summary>
/// Discovery inside a fresh network namespace whose only interface is loopback: nothing else on this host can answer
/// there, so the results must be exactly what the test advertises.
/// </summary>
public class MdnsNamespaceTests
{
    [NetworkNamespaceFact]
    public async Task Two_servers_on_different_ports_in_one_namespace_find_each_other_and_one_without_mDNS_is_not_seen()
    {
        MdnsServiceInfo first = MdnsTestServices.Create(8423, "first");
        MdnsServiceInfo second = MdnsTestServices.Create(8424, "second");
        // The third server runs with --no-mdns: it serves but never starts an advertiser.
        MdnsServiceInfo third = MdnsTestServices.Create(8425);
        // An advertiser outside the namespace must not leak in.
        await using MdnsAdvertiser outside = await MdnsAdvertiser.StartAsync(MdnsTestServices.Create(8426), NullLogger.Instance, CancellationToken.None);
        using NetworkNamespace ns = NetworkNamespace.Create();

        await using MdnsAdvertiser a = await ns.RunInside(() => MdnsAdvertiser.StartAsync(first, NullLogger.Instance, CancellationToken.None));
        await using MdnsAdvertiser b = await ns.RunInside(() => MdnsAdvertiser.StartAsync(second, NullLogger.Instance, CancellationToken.None));
        IReadOnlyList<DiscoveredPeer> seen = await ns.RunInside(() => MdnsBrowser.BrowseAsync(TimeSpan.FromSeconds(1.5), CancellationToken.None));
        DiscoveredPeer? secondByKey = await ns.RunInside(
            () => MdnsBrowser.FindByPublicKeyAsync(second.PublicKey.ToArray(), TimeSpan.FromSeconds(3), CancellationToken.None));
        DiscoveredPeer? thirdByKey = await ns.RunInside(
            () => MdnsBrowser.FindByPublicKeyAsync(third.PublicKey.ToArray(), TimeSpan.FromSeconds(0.5), CancellationToken.None));

        Assert.True(a.IsAdvertising && b.IsAdvertising);
        // Loopback is the only interface, so the A record falls back to 127.0.0.1 (spec §23).
        Assert.Equal([IPAddress.Loopback], a.Addresses);
        Assert.Equal(
            new[] { (first.InstanceName, 8423, "first"), (second.InstanceName, 8424, "second") }.OrderBy(p => p.InstanceName, StringComparer.Ordinal),
            seen.Select(p => (p.Name, p.Port, p.Description)));
        Assert.All(seen, p => Assert.Equal("127.0.0.1", p.Host));
        Assert.Equal(second.PublicKey.ToArray(), secondByKey?.PublicKey);
        Assert.Equal("ws://127.0.0.1:8424", secondByKey?.Url);
        Assert.Null(thirdByKey);
    }
}
