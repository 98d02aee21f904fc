using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

/// <summary>
/// A server-side connection handed to a test. The server keeps it open until <see cref="Done"/> completes or the
/// server stops.
/// </summary>
internal sealed record AcceptedConnection(IMessageTransport Transport, CancellationToken Stopping)
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
