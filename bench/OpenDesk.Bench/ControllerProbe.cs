using System.Diagnostics;
using OpenDesk.Client;

namespace OpenDesk.Bench;

/// <summary>
/// The legitimate controller of the attack suite: one RemoteComputer making a small call
/// (display.cursor_position) every 10 ms, timing each. A call that fails for any reason or takes over 5 s
/// counts as failed and the probe reconnects, so one flood's damage does not hide how serve copes with the next.
/// </summary>
internal sealed class ControllerProbe(string url, string home) : IAsyncDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private RemoteComputer? _desk;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await DropAsync().ConfigureAwait(false);
        _desk = await RemoteComputer.ConnectAsync(url, new RemoteComputerOptions
        {
            Home = home,
            AutoReconnect = false,
            ConnectTimeout = CallTimeout,
            HandshakeTimeout = CallTimeout,
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LatencySample> MeasureAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var sample = new LatencySample();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(CallTimeout);
            try
            {
                if (_desk is null)
                {
                    await ConnectAsync(deadline.Token).ConfigureAwait(false);
                }

                await _desk!.CursorPositionAsync(deadline.Token).ConfigureAwait(false);
                sample.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                sample.Fail(e);
                await DropAsync().ConfigureAwait(false);
            }

            var rest = Interval - Stopwatch.GetElapsedTime(started);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, cancellationToken).ConfigureAwait(false);
            }
        }

        return sample;
    }

    public ValueTask DisposeAsync() => new(DropAsync());

    private async Task DropAsync()
    {
        if (_desk is { } desk)
        {
            _desk = null;
            try
            {
                await desk.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OpenDeskException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Closing a connection serve already dropped; nothing to clean up beyond it.
            }
        }
    }
}
