using OpenDesk.Protocol;
using OpenDesk.Session;

namespace OpenDesk.Tests.Session;

public class ChannelVectorTests
{
    public static TheoryData<string> Cases() => HandshakeVectorTests.CaseNames("channel.json");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Frames_encrypt_and_decrypt_byte_for_byte_in_both_directions(string name)
    {
        var c = HandshakeVectorTests.Case("channel.json", name);
        var c2s = VectorFiles.Hex(HandshakeVectorTests.Str(c, "c2s_key"));
        var s2c = VectorFiles.Hex(HandshakeVectorTests.Str(c, "s2c_key"));

        foreach (var (direction, send, receive) in new[] { ("client_to_server", c2s, s2c), ("server_to_client", s2c, c2s) })
        {
            var entries = c.GetProperty(direction).EnumerateArray().ToList();
            var sender = new SecureChannel(new ScriptedTransport(), new SessionKeys(send, receive, new byte[32]));
            var incoming = entries.Select(e => VectorFiles.Hex(HandshakeVectorTests.Str(e, "ciphertext_hex"))).ToArray();
            var receiver = new SecureChannel(new ScriptedTransport(incoming), new SessionKeys(receive, send, new byte[32]));
            foreach (var entry in entries)
            {
                var plaintext = HandshakeVectorTests.Str(entry, "plaintext_hex");
                Assert.Equal(plaintext, VectorFiles.ToHex(VectorFiles.EncodeTree(VectorFiles.ToTree(entry.GetProperty("frame")))));
                Assert.Equal(HandshakeVectorTests.Str(entry, "ciphertext_hex"), VectorFiles.ToHex(sender.Seal(VectorFiles.Hex(plaintext))));

                var frame = await receiver.ReceiveAsync();
                Assert.Equal(plaintext, VectorFiles.ToHex(FrameCodec.Encode(frame!)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Tampered_replayed_reordered_and_truncated_messages_close_the_channel(string name)
    {
        var c = HandshakeVectorTests.Case("channel.json", name);
        var c2s = VectorFiles.Hex(HandshakeVectorTests.Str(c, "c2s_key"));
        var s2c = VectorFiles.Hex(HandshakeVectorTests.Str(c, "s2c_key"));
        var first = VectorFiles.Hex(HandshakeVectorTests.Str(c.GetProperty("client_to_server")[0], "ciphertext_hex"));

        foreach (var reject in c.GetProperty("rejects").EnumerateArray())
        {
            var counter = reject.GetProperty("receiver_counter").GetInt32();
            var messages = Enumerable.Repeat(first, counter).Append(VectorFiles.Hex(HandshakeVectorTests.Str(reject, "ciphertext_hex"))).ToArray();
            var transport = new ScriptedTransport(messages);
            var receiver = new SecureChannel(transport, new SessionKeys(s2c, c2s, new byte[32]));
            for (var i = 0; i < counter; i++)
            {
                Assert.NotNull(await receiver.ReceiveAsync());
            }

            var ex = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await receiver.ReceiveAsync());
            Assert.Equal(HandshakeVectorTests.Str(reject, "outcome"), ex.Message);
            Assert.True(transport.ClosedByUs, reject.GetProperty("description").GetString());
            Assert.True(receiver.IsClosed);
        }
    }
}
