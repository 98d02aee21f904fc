using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

/// <summary>A throwaway opendesk home under the system temp directory.</summary>
internal sealed class TempHome : IDisposable
{
    public TempHome()
    {
        Root = Path.Combine(Path.GetTempPath(), "opendesk-trust-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        HomePath = Path.Combine(Root, "home");
        Home = new OpenDeskHome(HomePath);
    }

    /// <summary>The parent of the home, so tests can also observe how the home itself gets created.</summary>
    public string Root { get; }

    public string HomePath { get; }

    public OpenDeskHome Home { get; }

    public TrustStore NewStore(TimeProvider? time = null) => new(new OpenDeskHome(HomePath), time);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
