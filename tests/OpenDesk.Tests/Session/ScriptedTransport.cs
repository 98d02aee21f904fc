using OpenDesk.Transport;

namespace OpenDesk.Tests.Session;

/// <summary>A transport that replays canned incoming messages and records what is sent, for vector tests.</summary>
internal sealed class ScriptedTransport(params byte[][] incoming) : IMessageTransport
{
    private readonly Queue<byte[]> _incoming = new(incoming);

    public List<byte[]> Sent { get; } = [];

    public bool ClosedByUs { get; private set; }

    public string RemoteAddress => "127.0.0.1:1";

    public long MaxMessageBytes { get; set; } = TransportOptions.DefaultMaxMessageBytes;

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        Sent.Add(message.ToArray());
        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_incoming.TryDequeue(out var next) ? next : null);

    public ValueTask CloseAsync(TransportCloseStatus status = TransportCloseStatus.Normal, string reason = "")
    {
        ClosedByUs = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
