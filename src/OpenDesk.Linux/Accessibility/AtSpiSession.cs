namespace OpenDesk.Linux.Accessibility;

/// <summary>One connection to the accessibility bus with the direct application connections made alongside it.</summary>
internal sealed class AtSpiSession(AtSpiConnection bus) : IDisposable
{
    public AtSpiConnection Bus { get; } = bus;

    public ApplicationConnections Applications { get; } = new(bus);

    public bool IsConnected => Bus.IsConnected;

    public TargetResolver Resolver(Windows.EwmhWindows? windows) => new(Bus, Applications, windows);

    public void Dispose()
    {
        Applications.Dispose();
        Bus.Dispose();
    }
}
