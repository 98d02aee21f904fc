using System.Diagnostics;
using System.Runtime.CompilerServices;
using OpenDesk.Computer;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Display;

/// <summary>
/// One <c>display.subscribe</c> stream. It runs on its own X connection so its damage events and grabs never
/// queue behind screenshots or input on the shared one, and closing that connection frees everything the
/// server holds for the stream even if disposal is cut short. The first frame goes out at once and later ones on
/// damage, but never more than <see cref="IdleInterval"/> apart: upstream clients wait for the next frame without
/// a timeout, and an idle screen would otherwise leave them waiting forever.
/// </summary>
internal static class FrameStream
{
    /// <summary>Upstream's ceiling, which the manifest advertises as <c>max_fps</c>.</summary>
    public const int MaxFps = 30;

    /// <summary>The longest a stream goes without a frame while the screen does not change.</summary>
    public static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(1);

    public static async IAsyncEnumerable<DisplayFrame> RunAsync(
        string displayName, CaptureTarget target, int fps, string format, int quality, bool forceXGetImage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = XDisplayConnection.Open(displayName);
        using var pipeline = new CapturePipeline(connection, forceXGetImage);

        // Without DAMAGE (no current server lacks it) every tick counts as a change: a steady stream beats a frozen one.
        using var damage = DamageTracker.TryCreate(connection);
        var interval = Stopwatch.Frequency / Math.Clamp(fps, 1, MaxFps);
        var frameNumber = 0;
        var nextTick = Stopwatch.GetTimestamp();
        var lastFrame = nextTick;
        damage?.Reset();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Damage is taken on every tick, so changes seen while an idle frame goes out are not reported twice.
            var changed = damage is null || damage.TakeChanges(target.Area);
            if (frameNumber == 0 || changed || Stopwatch.GetElapsedTime(lastFrame) >= IdleInterval)
            {
                var pixmap = pipeline.Capture(target, format, quality, downscale: true, withCursor: false);
                lastFrame = Stopwatch.GetTimestamp();
                yield return new DisplayFrame(pixmap) { FrameNumber = frameNumber++, Keyframe = true };
            }

            // Ticks stay on a fixed grid so the rate holds at fps, but a consumer that fell behind resumes from
            // now instead of receiving a burst of catch-up frames.
            var now = Stopwatch.GetTimestamp();
            nextTick = Math.Max(nextTick + interval, now);
            var wait = Stopwatch.GetElapsedTime(now, nextTick);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Task.Yield();
            }
        }
    }
}
