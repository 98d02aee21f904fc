namespace OpenDesk.Tests.Discovery;

/// <summary>
/// A test that multicasts on this host's real interfaces, which reaches the LAN segment beyond this machine.
/// It runs only when OPENDESK_HOST_MULTICAST_TESTS=1 is set on a network where that is welcome; the same
/// behaviour is covered inside isolated network namespaces by <see cref="MdnsNamespaceTests"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HostMulticastFactAttribute : FactAttribute
{
    public HostMulticastFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("OPENDESK_HOST_MULTICAST_TESTS") != "1")
        {
            Skip = "multicasts on the host's LAN interfaces; set OPENDESK_HOST_MULTICAST_TESTS=1 to run (namespace tests cover it)";
        }
    }
}
