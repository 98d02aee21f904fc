using OpenDesk.Protocol;
using OpenDesk.Session;
using OpenDesk.Session.Pake;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Session;

/// <summary>
/// Both sides of the CPace pairing against each other over an in-memory transport: agreement, the wrong-code
/// outcome, every kind of tampering, invalid shares and keys, replays, and the boundary with v1 pairing.
/// </summary>
public class CpacePairingHandshakeTests
{
    private const string Code = "428901";
    private const string ClientWrongCode = "wrong_code: server rejected the pairing code — wrong code?";
    private const string ServerWrongCode = "wrong_code: client could not prove the pairing code";

    // A server that hangs up on cpace_hello, for whatever reason, looks the same to the client.
    private const string RefusedAtHello = $"protocol: {CpacePairingHandshake.RefusedAtHelloMessage}";

    [Fact]
    public async Task Same_code_pairs_both_sides_with_matching_keys_and_each_others_static_key()
    {
        var serverKey = KeyPair.Generate();
        var clientKey = KeyPair.Generate();

        var run = await CpacePairingVectorFile.RunBothAsync(Code, Code, serverKey, clientKey);

        Assert.Null(run.ClientError);
        Assert.Null(run.ServerError);
        Assert.Equal(["cpace_hello", "cpace_offer", "cpace_finish", "cpace_confirm"], Kinds(run.Messages));
        Assert.Equal(run.Client!.SendKey, run.Server!.ReceiveKey);
        Assert.Equal(run.Client.ReceiveKey, run.Server.SendKey);
        Assert.NotEqual(run.Client.SendKey, run.Client.ReceiveKey);
        Assert.Equal(serverKey.PublicKey, run.Client.PeerStaticPublic);
        Assert.Equal(clientKey.PublicKey, run.Server.PeerStaticPublic);
    }

    [Fact]
    public async Task Two_pairings_with_the_same_keys_and_code_derive_unrelated_session_keys()
    {
        var serverKey = KeyPair.Generate();
        var clientKey = KeyPair.Generate();

        var first = await CpacePairingVectorFile.RunBothAsync(Code, Code, serverKey, clientKey);
        var second = await CpacePairingVectorFile.RunBothAsync(Code, Code, serverKey, clientKey);

        Assert.NotEqual(first.Client!.SendKey, second.Client!.SendKey);
        Assert.NotEqual(first.Messages[1], second.Messages[1]);
    }

    [Fact]
    public async Task The_session_continues_encrypted_on_the_same_connection()
    {
        var serverKey = KeyPair.Generate();
        var clientKey = KeyPair.Generate();
        var (clientTransport, serverTransport) = InMemoryTransport.CreatePair();
        var server = Task.Run(async () =>
        {
            var hello = await HandshakeMessage.ReceiveAsync(serverTransport, default, CpacePairingHandshake.Hello);
            return await CpacePairingHandshake.RunServerAsync(serverTransport, serverKey, Code, hello, default);
        });
        var clientKeys = await CpacePairingHandshake.RunClientAsync(clientTransport, clientKey, Code, default);
        await using var clientChannel = new SecureChannel(clientTransport, clientKeys);
        await using var serverChannel = new SecureChannel(serverTransport, await server);

        await clientChannel.SendAsync(HelloFrame.Client());
        var atServer = Assert.IsType<HelloFrame>(await serverChannel.ReceiveAsync());
        await serverChannel.SendAsync(new HelloFrame(HelloFrame.ServerRole, "", new MsgMap(), new MsgMap(), null));
        var atClient = Assert.IsType<HelloFrame>(await clientChannel.ReceiveAsync());

        Assert.Equal(HelloFrame.Client().Role, atServer.Role);
        Assert.Equal(HelloFrame.ServerRole, atClient.Role);
    }

    [Theory]
    [InlineData("428902")]
    [InlineData("42890")]
    [InlineData("0428901")]
    [InlineData("١٢٣٤٥٦")]
    public async Task A_wrong_code_fails_on_both_sides_and_the_server_never_sends_its_mac(string typed)
    {
        var run = await CpacePairingVectorFile.RunBothAsync(Code, typed, KeyPair.Generate(), KeyPair.Generate());

        Assert.Equal(ClientWrongCode, run.ClientError?.Message);
        Assert.Equal(HandshakeFailureReason.WrongCode, run.ClientError!.Reason);
        Assert.Equal(ServerWrongCode, run.ServerError?.Message);
        Assert.Equal(HandshakeFailureReason.WrongCode, run.ServerError!.Reason);
        Assert.Equal(["cpace_hello", "cpace_offer", "cpace_finish", "cpace_reject"], Kinds(run.Messages));
        Assert.Equal("82a17601a46b696e64ac63706163655f72656a656374", VectorFiles.ToHex(run.Messages[3]));
    }

    public static TheoryData<string, string?, string?> Tampering() => new()
    {
        // A changed field changes the transcript, the generator or a DH term, so the client's MAC cannot verify:
        // tampering looks exactly like a wrong code, and the server's MAC is never sent.
        { "hello e", ClientWrongCode, ServerWrongCode },
        { "hello s", ClientWrongCode, ServerWrongCode },
        { "offer e", ClientWrongCode, ServerWrongCode },
        { "offer s", ClientWrongCode, ServerWrongCode },
        { "offer y other element", ClientWrongCode, ServerWrongCode },
        { "finish y other element", ClientWrongCode, ServerWrongCode },
        { "finish mac", ClientWrongCode, ServerWrongCode },
        { "confirm mac", "wrong_code: server could not prove the pairing code", null },
        { "confirm to reject", ClientWrongCode, null },

        // Shares the draft says to abort on: the receiver stops with protocol, before any MAC is computed.
        { "offer y identity", "protocol: peer sent an invalid CPace share", "protocol: peer closed before cpace_finish" },
        { "offer y invalid encoding", "protocol: peer sent an invalid CPace share", "protocol: peer closed before cpace_finish" },
        { "finish y identity", "protocol: peer closed before cpace_confirm", "protocol: peer sent an invalid CPace share" },
        { "finish y invalid encoding", "protocol: peer closed before cpace_confirm", "protocol: peer sent an invalid CPace share" },

        // An X25519 key of small order makes a DH term all zeros (spec §5).
        { "hello e low order", RefusedAtHello, "protocol: X25519 shared secret is all zeros (low-order public key)" },
        { "offer s low order", "protocol: X25519 shared secret is all zeros (low-order public key)", "protocol: peer closed before cpace_finish" },

        // Malformed messages, validated in the order of spec §6.5.
        { "hello garbage", RefusedAtHello, "protocol: malformed cpace_hello msgpack" },
        { "offer without y", "protocol: field 'y' missing or wrong type", "protocol: peer closed before cpace_finish" },
        { "offer short y", "protocol: field 'y' must be 32 bytes, got 31", "protocol: peer closed before cpace_finish" },
        { "finish as hello", "protocol: peer closed before cpace_confirm", "protocol: expected cpace_finish, got 'cpace_hello'" },
        { "finish long mac", "protocol: peer closed before cpace_confirm", "protocol: field 'mac' must be 32 bytes, got 33" },
        { "confirm version 2", "protocol: unsupported handshake version 2", null },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task A_tampered_message_fails_as_documented(string tampering, string? clientOutcome, string? serverOutcome)
    {
        var c = CpacePairingVectorTests.Case("primary");
        var (index, change) = Tamper(tampering);

        var run = await CpacePairingVectorFile.RunBothAsync(
            Code, Code, CpacePairingVectorTests.Key(c, "server_static"), CpacePairingVectorTests.Key(c, "client_static"),
            CpacePairingVectorTests.Key(c, "server_ephemeral"), CpacePairingVectorTests.Key(c, "client_ephemeral"),
            CpacePairingVectorTests.Bytes(c, "server_cpace_scalar"), CpacePairingVectorTests.Bytes(c, "client_cpace_scalar"),
            (i, m) => i == index ? change(m) : m);

        Assert.Equal(clientOutcome, run.ClientError?.Message);
        Assert.Equal(serverOutcome, run.ServerError?.Message);
        if (serverOutcome is null)
        {
            // The server cannot see a MAC changed after it left; its keys are still the genuine ones.
            Assert.Equal(CpacePairingVectorTests.Bytes(c, "s2c_key"), run.Server!.SendKey);
        }
    }

    [Fact]
    public async Task A_recorded_client_cannot_be_replayed_to_the_server()
    {
        var serverKey = KeyPair.Generate();
        var recorded = await CpacePairingVectorFile.RunBothAsync(Code, Code, serverKey, KeyPair.Generate());
        Assert.Null(recorded.ServerError);

        // The server's fresh ephemeral changes sid and its fresh scalar changes K, so the old MAC is worthless.
        var replay = new ScriptedTransport(recorded.Messages[2]);
        var hello = HandshakeMessage.Parse(recorded.Messages[0], CpacePairingHandshake.Hello);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => CpacePairingHandshake.RunServerAsync(replay, serverKey, Code, hello, default));

        Assert.Equal(ServerWrongCode, ex.Message);
        Assert.Equal(["cpace_offer", "cpace_reject"], Kinds(replay.Sent));
    }

    [Fact]
    public async Task A_recorded_server_cannot_be_replayed_to_the_client()
    {
        var clientKey = KeyPair.Generate();
        var recorded = await CpacePairingVectorFile.RunBothAsync(Code, Code, KeyPair.Generate(), clientKey);
        Assert.Null(recorded.ClientError);

        var replay = new ScriptedTransport(recorded.Messages[1], recorded.Messages[3]);
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => CpacePairingHandshake.RunClientAsync(replay, clientKey, Code, default));

        Assert.Equal("wrong_code: server could not prove the pairing code", ex.Message);
    }

    [Fact]
    public async Task A_v1_server_rejects_cpace_hello_cleanly_and_the_client_says_what_that_means()
    {
        var (clientTransport, serverTransport) = InMemoryTransport.CreatePair();
        var v1Server = Task.Run(async () =>
        {
            try
            {
                // What a v1 server in a pairing window does with any first message (spec §6.5, §6.7).
                await HandshakeMessage.ReceiveAsync(serverTransport, default, HandshakeMessage.PairHello);
                return null;
            }
            catch (HandshakeException ex)
            {
                await serverTransport.CloseAsync();
                return ex;
            }
        });

        var client = await Assert.ThrowsAsync<HandshakeException>(() => CpacePairingHandshake.RunClientAsync(clientTransport, KeyPair.Generate(), Code, default));

        Assert.Equal("protocol: expected pair_hello, got 'cpace_hello'", (await v1Server)?.Message);
        Assert.Equal($"protocol: {CpacePairingHandshake.RefusedAtHelloMessage}", client.Message);
        Assert.True(CpacePairingHandshake.IsRefusedAtHello(client));
    }

    [Fact]
    public async Task A_server_that_drops_the_connection_at_hello_is_reported_the_same_way()
    {
        var (clientTransport, serverTransport) = InMemoryTransport.CreatePair();
        var drop = Task.Run(async () =>
        {
            await serverTransport.ReceiveAsync();
            serverTransport.Abort();
        });

        var client = await Assert.ThrowsAsync<HandshakeException>(() => CpacePairingHandshake.RunClientAsync(clientTransport, KeyPair.Generate(), Code, default));
        await drop;

        Assert.True(CpacePairingHandshake.IsRefusedAtHello(client));
        Assert.IsType<ConnectionClosedException>(client.InnerException);
    }

    [Fact]
    public void Other_failures_are_not_mistaken_for_a_refusal_at_hello()
    {
        Assert.False(CpacePairingHandshake.IsRefusedAtHello(new HandshakeException(HandshakeFailureReason.Protocol, "peer closed before cpace_confirm")));
        Assert.False(CpacePairingHandshake.IsRefusedAtHello(new HandshakeException(HandshakeFailureReason.WrongCode, CpacePairingHandshake.RefusedAtHelloMessage)));
    }

    [Fact]
    public async Task A_cpace_server_tells_a_v1_pair_hello_from_cpace_hello_by_its_first_message()
    {
        var (clientTransport, serverTransport) = InMemoryTransport.CreatePair();
        var v1Client = PairingHandshake.RunClientAsync(clientTransport, KeyPair.Generate(), HandshakeCrypto.DerivePsk(Code), default);

        var first = await HandshakeMessage.ReceiveAsync(serverTransport, default, HandshakeMessage.AuthHello, CpacePairingHandshake.Hello, HandshakeMessage.PairHello);
        Assert.Equal(HandshakeMessage.PairHello, first["kind"]);
        var refused = Assert.Throws<HandshakeException>(() => HandshakeMessage.Parse(
            HandshakeMessage.Encode(HandshakeMessage.PairHello, ("e", HandshakeMessage.Field(first, "e"))), CpacePairingHandshake.Hello));
        Assert.Equal("protocol: expected cpace_hello, got 'pair_hello'", refused.Message);

        // With no --legacy window the server closes; the v1 client sees the close before its pair_offer.
        await serverTransport.CloseAsync();
        var client = await Assert.ThrowsAsync<HandshakeException>(() => v1Client);
        Assert.Equal("protocol: peer closed before pair_offer", client.Message);
    }

    [Fact]
    public async Task An_empty_code_is_refused_before_anything_is_sent()
    {
        var transport = new ScriptedTransport();
        await Assert.ThrowsAsync<ArgumentException>(() => CpacePairingHandshake.RunClientAsync(transport, KeyPair.Generate(), "", default));
        Assert.Empty(transport.Sent);
    }

    private static (int Index, Func<byte[], byte[]> Change) Tamper(string tampering)
    {
        // Not from_hash of zeros: that maps to the identity.
        var otherElement = LibSodium.RistrettoFromHash(System.Security.Cryptography.SHA512.HashData("some other element"u8));
        var invalidEncoding = Convert.FromHexString("2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c");
        var lowOrder = new byte[32];
        return tampering switch
        {
            "hello e" => (0, m => Field(m, "e", FlipBit)),
            "hello s" => (0, m => Field(m, "s", FlipBit)),
            "hello e low order" => (0, m => Field(m, "e", _ => lowOrder)),
            "hello garbage" => (0, _ => [0xc1]),
            "offer e" => (1, m => Field(m, "e", FlipBit)),
            "offer s" => (1, m => Field(m, "s", FlipBit)),
            "offer s low order" => (1, m => Field(m, "s", _ => lowOrder)),
            "offer y other element" => (1, m => Field(m, "y", _ => otherElement)),
            "offer y identity" => (1, m => Field(m, "y", _ => new byte[32])),
            "offer y invalid encoding" => (1, m => Field(m, "y", _ => invalidEncoding)),
            "offer without y" => (1, m => Without(m, "y")),
            "offer short y" => (1, m => Field(m, "y", y => y[..31])),
            "finish y other element" => (2, m => Field(m, "y", _ => otherElement)),
            "finish y identity" => (2, m => Field(m, "y", _ => new byte[32])),
            "finish y invalid encoding" => (2, m => Field(m, "y", _ => invalidEncoding)),
            "finish mac" => (2, m => Field(m, "mac", FlipBit)),
            "finish as hello" => (2, m => Rekind(m, CpacePairingHandshake.Hello)),
            "finish long mac" => (2, m => Field(m, "mac", mac => [.. mac, 0])),
            "confirm mac" => (3, m => Field(m, "mac", FlipBit)),
            "confirm to reject" => (3, _ => HandshakeMessage.Encode(CpacePairingHandshake.Reject)),
            "confirm version 2" => (3, VersionTwo),
            _ => throw new ArgumentOutOfRangeException(nameof(tampering), tampering),
        };
    }

    /// <summary>The map header, the key "v", then its value: byte 3 is the version.</summary>
    private static byte[] VersionTwo(byte[] message)
    {
        var copy = message.ToArray();
        Assert.Equal(0x01, copy[3]);
        copy[3] = 0x02;
        return copy;
    }

    private static byte[] FlipBit(byte[] value)
    {
        var copy = value.ToArray();
        copy[5] ^= 0x10;
        return copy;
    }

    private static byte[] Field(byte[] message, string name, Func<byte[], byte[]> change)
    {
        var map = (MsgMap)MsgPackReader.ReadSingle(message)!;
        var fields = map.Where(p => p.Key is not ("v" or "kind")).Select(p => (p.Key, p.Key == name ? change((byte[])p.Value!) : (byte[])p.Value!)).ToArray();
        return HandshakeMessage.Encode((string)map["kind"]!, fields);
    }

    private static byte[] Without(byte[] message, string name)
    {
        var map = (MsgMap)MsgPackReader.ReadSingle(message)!;
        var fields = map.Where(p => p.Key is not ("v" or "kind") && p.Key != name).Select(p => (p.Key, (byte[])p.Value!)).ToArray();
        return HandshakeMessage.Encode((string)map["kind"]!, fields);
    }

    private static byte[] Rekind(byte[] message, string kind)
    {
        var map = (MsgMap)MsgPackReader.ReadSingle(message)!;
        var fields = map.Where(p => p.Key is not ("v" or "kind")).Select(p => (p.Key, (byte[])p.Value!)).ToArray();
        return HandshakeMessage.Encode(kind, fields);
    }

    private static string[] Kinds(IEnumerable<byte[]> messages) =>
        messages.Select(m => (string)((MsgMap)MsgPackReader.ReadSingle(m)!)["kind"]!).ToArray();
}
