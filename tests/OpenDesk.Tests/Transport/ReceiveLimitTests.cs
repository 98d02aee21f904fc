using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

[Collection(SequentialTransportCollection.Name)]
public sealed class ReceiveLimitTests
{
    [Fact]
    public async Task A_huge_announced_frame_is_cut_off_without_allocating_for_it()
    {
        const int Limit = 1024 * 1024;
        var options = ServerHarness.Options();
        options.MaxMessageBytes = Limit;
        await using var harness = await ServerHarness.StartAsync(options);
        using var raw = await RawWebSocketClient.ConnectAsync(harness.Port);
        var server = (await harness.AcceptAsync()).Transport;

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var receive = server.ReceiveAsync().AsTask();

        // Announce 1 GiB but send only 4 MiB: a receiver that waited for the whole message, or sized a buffer from
        // the announcement, would hang or blow the allocation budget below.
        await raw.SendFrameHeaderAsync(opcode: 2, fin: true, payloadLength: 1L << 30);
        var chunk = new byte[64 * 1024];
        long sent = 0;
        try
        {
            while (sent < 4L * 1024 * 1024 && !receive.IsCompleted)
            {
                await raw.SendRawAsync(chunk);
                sent += chunk.Length;
            }
        }
        catch (IOException)
        {
            // The server reset the connection: expected.
        }

        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => receive.WaitAsync(TimeSpan.FromSeconds(5)));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("message exceeds the 1048576-byte limit", error.Message);
        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated} bytes for a 1 MiB limit");
    }
}
