using System.Collections.Concurrent;

namespace OpenDesk.Linux.Accessibility;

/// <summary>One connection to the accessibility bus with the direct application connections made alongside it.</summary>
internal sealed class AtSpiSession(AtSpiConnection bus) : IDisposable
{
    public AtSpiConnection Bus { get; } = bus;

    public ApplicationConnections Applications { get; } = new(bus);

    /// <summary>Applications described so far, by bus name; a name and process never change for a connection.</summary>
    public ConcurrentDictionary<string, AccessibleApplication> Known { get; } = new(StringComparer.Ordinal);

    public bool IsConnected => Bus.IsConnected;

    public ActionNameCache ActionNames { get; } = new();

    public TargetResolver Resolver(Windows.EwmhWindows? windows) => new(Bus, Applications, Known, ActionNames, windows);

    public void Dispose()
    {
        Applications.Dispose();
        Bus.Dispose();
    }
}
