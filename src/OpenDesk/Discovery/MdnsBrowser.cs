using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenDesk.Discovery;

/// <summary>
/// Finds opendesk servers over mDNS (spec §23): multicasts PTR queries for <c>_opendesk._tcp.local.</c>, collects
/// PTR, SRV, TXT and A records from the responses (together or in separate packets), and asks specifically for
/// whatever is still missing.
/// </summary>
public static class MdnsBrowser
{
    /// <summary>Spec §23: <c>opendesk discover</c> browses this long by default.</summary>
    public static readonly TimeSpan DefaultBrowseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Spec §19.1: connecting by name looks for the key this long by default.</summary>
    public static readonly TimeSpan DefaultFindTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Spec §23: after the browse window, incomplete instances get this long to resolve.</summary>
    public static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(2);

    // Repeating an unanswered targeted query sooner than this only adds traffic (RFC 6762 §5.2 starts at 1 s).
    private static readonly TimeSpan RetargetInterval = TimeSpan.FromSeconds(1);

    // Queries are sent this far apart at least, however short the window.
    private static readonly TimeSpan MinQuerySpacing = TimeSpan.FromMilliseconds(100);

    // Keeps each targeted query well under the 9000-byte mDNS packet limit.
    private const int MaxQuestionsPerQuery = 32;

    // Responses waiting for the browse loop; under a flood the oldest are dropped rather than memory growing.
    private const int MaxQueuedMessages = 1024;

    /// <summary>
    /// Browses for <paramref name="timeout"/> (three PTR queries spread over the window), then gives instances that
    /// are still incomplete up to <see cref="ResolveTimeout"/> more. Entries whose <c>pk</c> is missing or not 32 bytes
    /// are skipped. The result is sorted by instance name.
    /// </summary>
    /// <exception cref="MdnsException">mDNS cannot run here (no usable interface, socket errors).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async Task<IReadOnlyList<DiscoveredPeer>> BrowseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        RequireTimeout(timeout);
        TimeSpan[] queries = [TimeSpan.Zero, timeout / 3, timeout * 2 / 3];
        MdnsPeerCache cache = await RunAsync(timeout, queries, ResolveTimeout, _ => false, cancellationToken).ConfigureAwait(false);
        return cache.Peers();
    }

    /// <summary>
    /// Looks for the server advertising <paramref name="publicKey"/> and returns as soon as it is resolved, or null
    /// after <paramref name="timeout"/>. PTR queries go out at 0, 1, 3, 7… seconds.
    /// </summary>
    /// <exception cref="MdnsException">mDNS cannot run here (no usable interface, socket errors).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async Task<DiscoveredPeer?> FindByPublicKeyAsync(byte[] publicKey, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        RequireTimeout(timeout);
        var queries = new List<TimeSpan> { TimeSpan.Zero };
        for (TimeSpan next = TimeSpan.FromSeconds(1); next < timeout; next = (next * 2) + TimeSpan.FromSeconds(1))
        {
            queries.Add(next);
        }

        MdnsPeerCache cache = await RunAsync(timeout, [.. queries], TimeSpan.Zero, c => c.Find(publicKey) is not null, cancellationToken)
            .ConfigureAwait(false);
        return cache.Find(publicKey);
    }

    private static void RequireTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must not be negative");
        }
    }

    private static async Task<MdnsPeerCache> RunAsync(
        TimeSpan window, TimeSpan[] queryOffsets, TimeSpan resolveWindow, Func<MdnsPeerCache, bool> done, CancellationToken cancellationToken)
    {
        ILogger logger = NullLogger.Instance;
        using MdnsSocket socket = MdnsSocket.Open(allowEphemeralPort: true, logger);
        var inbox = Channel.CreateBounded<DnsMessage>(new BoundedChannelOptions(MaxQueuedMessages)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task receiveLoop = socket.ReceiveLoopAsync(
            (message, _, _, _) =>
            {
                if (message.IsResponse)
                {
                    inbox.Writer.TryWrite(message);
                }

                return ValueTask.CompletedTask;
            },
            logger,
            stop.Token);
        try
        {
            var cache = new MdnsPeerCache();
            var clock = Stopwatch.StartNew();
            byte[] browseQuery = Query([new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr)]);
            int nextQuery = 0;
            TimeSpan lastQuerySent = TimeSpan.MinValue;
            string lastMissing = "";
            TimeSpan lastTargeted = TimeSpan.MinValue;
            while (true)
            {
                while (inbox.Reader.TryRead(out DnsMessage? message))
                {
                    cache.Add(message);
                }

                if (done(cache))
                {
                    return cache;
                }

                TimeSpan now = clock.Elapsed;
                IReadOnlyList<DnsQuestion> missing = cache.MissingQuestions();
                if (now >= window && (missing.Count == 0 || now >= window + resolveWindow))
                {
                    return cache;
                }

                while (nextQuery < queryOffsets.Length && queryOffsets[nextQuery] <= now)
                {
                    if (queryOffsets[nextQuery] < window && (lastQuerySent == TimeSpan.MinValue || now - lastQuerySent >= MinQuerySpacing))
                    {
                        await socket.SendMulticastAsync(browseQuery, via: null, cancellationToken).ConfigureAwait(false);
                        lastQuerySent = now;
                    }

                    nextQuery++;
                }

                // Ask at once when something new goes missing, then repeat at most once a second.
                string missingKey = string.Join('\n', missing.Select(q => $"{q.Type} {q.Name.Text}"));
                if (missing.Count > 0 && (missingKey != lastMissing || now - lastTargeted >= RetargetInterval))
                {
                    foreach (DnsQuestion[] chunk in missing.Chunk(MaxQuestionsPerQuery))
                    {
                        await socket.SendMulticastAsync(Query(chunk), via: null, cancellationToken).ConfigureAwait(false);
                    }

                    lastTargeted = now;
                }

                lastMissing = missingKey;
                TimeSpan wake = missing.Count > 0 ? window + resolveWindow : window;
                if (missing.Count > 0)
                {
                    wake = Min(wake, lastTargeted + RetargetInterval);
                }

                if (nextQuery < queryOffsets.Length)
                {
                    wake = Min(wake, queryOffsets[nextQuery]);
                }

                await WaitForMessageAsync(inbox.Reader, wake - clock.Elapsed, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await receiveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>A query with QU off: answers are multicast, so every browser on the link learns from them.</summary>
    private static byte[] Query(IReadOnlyList<DnsQuestion> questions) => new DnsMessage { Questions = questions }.Encode();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static async Task WaitForMessageAsync(ChannelReader<DnsMessage> reader, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(delay);
        try
        {
            await reader.WaitToReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait timed out; the caller re-evaluates its schedule.
        }
    }
}
