using OpenDesk.Protocol;
using OpenDesk.Session;
using OpenDesk.Transport;

namespace OpenDesk.Server;

/// <summary>A registered controller connection and the means to evict it.</summary>
internal sealed class ActiveSession
{
    public const string EvictedTopic = "session.evicted";

    private readonly TaskCompletionSource _helloSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _evicted;

    public ActiveSession(SessionInfo info, Peer peer)
    {
        Info = info;
        Peer = peer;
    }

    public SessionInfo Info { get; }

    public Peer Peer { get; }

    public string Id => Info.Id;

    /// <summary>Completes once the connection is closed and none of the controller's requests runs any more.</summary>
    public Task Drained => Peer.HandlersDrained;

    public void MarkHelloSent() => _helloSent.TrySetResult();

    /// <summary>
    /// Sends <c>session.evicted</c> and closes (spec §15.3). Waits briefly for our HELLO to go out first, so a
    /// session bumped mid-handshake still sees a well-formed stream of frames. Returns false when the
    /// connection was already gone.
    /// </summary>
    public async Task<bool> EvictAsync(string reason)
    {
        if (Interlocked.Exchange(ref _evicted, 1) == 1 || Peer.IsClosed)
        {
            return false;
        }

        await Task.WhenAny(_helloSent.Task, Peer.Closed, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Peer.PushAsync(EvictedTopic, new MsgMap { ["reason"] = reason }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ConnectionClosedException or OperationCanceledException or ObjectDisposedException)
        {
        }

        await Peer.CloseAsync(TransportCloseStatus.Normal).ConfigureAwait(false);
        return true;
    }
}
