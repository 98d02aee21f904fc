using OpenDesk.Computer;

namespace OpenDesk.Tests.Server;

/// <summary>The scenarios' fake desktop (scenarios.md §0): fixed cursor and capture, recorded actions.</summary>
internal sealed class FakeComputer : UnsupportedComputer
{
    public static readonly byte[] FakePng = [.. Enumerable.Repeat(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x66, 0x61, 0x6b, 0x65, 0x00 }, 4).SelectMany(b => b)];

    public List<PointerEvent> PointerEvents { get; } = [];

    public override string Backend => "fake";

    protected override IEnumerable<string> SupportedCapabilities => OpenDesk.Protocol.Capabilities.All;

    public override Task<Point> CursorPositionAsync(CancellationToken cancellationToken = default) => Task.FromResult(new Point(50, 60));

    public override Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default) =>
        Task.FromResult(new Pixmap(FakePng, 100, 100, 100, 100));

    public override Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken = default)
    {
        lock (PointerEvents)
        {
            PointerEvents.Add(pointerEvent);
        }

        return Task.CompletedTask;
    }
}
