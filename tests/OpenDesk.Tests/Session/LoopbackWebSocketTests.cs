using OpenDesk.Protocol;
using OpenDesk.Server.Transport;
using OpenDesk.Session;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Session;

/// <summary>The protocol core over a real loopback WebSocket: pair, authenticate, 10,000 concurrent calls, a cancelled stream, a tampered frame.</summary>
public sealed class LoopbackWebSocketTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Pairing_then_auth_then_ten_thousand_concurrent_calls_a_cancelled_stream_and_a_tampered_frame()
    {
        var serverKey = KeyPair.Generate();
        var clientKey = KeyPair.Generate();
        var psk = HandshakeCrypto.DerivePsk("428901");
        var trusted = new List<byte[]>();
        var dispatcher = new TestDispatcher();
        var serverClosed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await WebSocketServer.StartAsync("127.0.0.1", 0, new TransportOptions(), async (transport, ct) =>
        {
            var first = await HandshakeMessage.ReceiveAsync(transport, ct, HandshakeMessage.AuthHello, HandshakeMessage.PairHello);
            var keys = first["kind"] is HandshakeMessage.PairHello
                ? await PairingHandshake.RunServerAsync(transport, serverKey, psk, first, ct)
                : await AuthHandshake.RunServerAsync(transport, serverKey, first, key => trusted.Any(k => k.AsSpan().SequenceEqual(key)), ct);
            trusted.Add(keys.PeerStaticPublic);
            await using var peer = new Peer(new SecureChannel(transport, keys), null, dispatcher);
            await peer.StartAsync(new HelloFrame(HelloFrame.ServerRole, "", new MsgMap(), new MsgMap(), null), ct);
            serverClosed.TrySetResult(await peer.Closed);
        }, CancellationToken.None);
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/");

        // Pair on a first connection.
        var pairing = await WebSocketConnector.ConnectAsync(uri, new TransportOptions(), TimeSpan.FromSeconds(5), default);
        var pairedKeys = await PairingHandshake.RunClientAsync(pairing, clientKey, psk, default);
        Assert.Equal(serverKey.PublicKey, pairedKeys.PeerStaticPublic);
        await using (var paired = new Peer(new SecureChannel(pairing, pairedKeys)))
        {
            await paired.StartAsync(HelloFrame.Client());
        }

        await serverClosed.Task.WaitAsync(Deadline);
        serverClosed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Authenticate with the paired key on a second connection.
        var inner = await WebSocketConnector.ConnectAsync(uri, new TransportOptions(), TimeSpan.FromSeconds(5), default);
        var tampering = new TamperingTransport(inner);
        var keys = await AuthHandshake.RunClientAsync(tampering, clientKey, serverKey.PublicKey, default);
        await using var client = new Peer(new SecureChannel(tampering, keys));
        await client.StartAsync(HelloFrame.Client());

        var calls = Enumerable.Range(0, 10_000).Select(async i =>
        {
            var result = await client.CallAsync("echo", new MsgMap { ["n"] = (long)i, ["blob"] = new byte[i % 64] });
            return (Sent: (long)i, Received: (long)result!["n"]!, Length: ((byte[])result["blob"]!).Length);
        });
        foreach (var (sent, received, length) in await Task.WhenAll(calls))
        {
            Assert.Equal(sent, received);
            Assert.Equal(sent % 64, length);
        }

        var seen = 0;
        await foreach (var item in client.StreamAsync("forever", new MsgMap()))
        {
            Assert.Equal((long)seen, item["i"]);
            if (++seen == 25)
            {
                break;
            }
        }

        await dispatcher.HandlerCancelled.Task.WaitAsync(Deadline);
        Assert.Equal(9L, (await client.CallAsync("echo", new MsgMap { ["n"] = 9L }))!["n"]);

        tampering.FlipNextMessage = true;
        var doomed = client.CallAsync("echo", new MsgMap { ["n"] = 1L });
        Assert.Equal(SecureChannel.IntegrityFailure, (await serverClosed.Task.WaitAsync(Deadline)).Message);
        await Assert.ThrowsAsync<ConnectionClosedException>(() => doomed.WaitAsync(Deadline));
    }

    /// <summary>Flips one bit of the next outgoing message, as an attacker on the path would.</summary>
    private sealed class TamperingTransport(IMessageTransport inner) : IMessageTransport
    {
        public volatile bool FlipNextMessage;

        public string RemoteAddress => inner.RemoteAddress;

        public long MaxMessageBytes
        {
            get => inner.MaxMessageBytes;
            set => inner.MaxMessageBytes = value;
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            if (FlipNextMessage)
            {
                FlipNextMessage = false;
                var copy = message.ToArray();
                copy[copy.Length / 2] ^= 0x10;
                return inner.SendAsync(copy, cancellationToken);
            }

            return inner.SendAsync(message, cancellationToken);
        }

        public ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

        public ValueTask CloseAsync(TransportCloseStatus status = TransportCloseStatus.Normal, string reason = "") => inner.CloseAsync(status, reason);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
