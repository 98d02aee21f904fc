using System.Text.Json;
using OpenDesk.Protocol;
using OpenDesk.Session;

namespace OpenDesk.Tests.Session;

public class HandshakeVectorTests
{
    public static TheoryData<string> PairingCases() => CaseNames("pairing.json");

    public static TheoryData<string> AuthCases() => CaseNames("auth.json");

    [Theory]
    [MemberData(nameof(PairingCases))]
    public void Pairing_psk_matches_the_vector(string name)
    {
        var c = Case("pairing.json", name);
        Assert.Equal(Str(c, "psk"), VectorFiles.ToHex(HandshakeCrypto.DerivePsk(Str(c, "code"))));
    }

    [Theory]
    [MemberData(nameof(PairingCases))]
    public async Task Pairing_server_produces_the_vector_offer_and_keys(string name)
    {
        var c = Case("pairing.json", name);
        var messages = Messages(c);
        var transport = new ScriptedTransport(messages[2]);
        var hello = HandshakeMessage.Parse(messages[0], HandshakeMessage.PairHello);

        var keys = await PairingHandshake.RunServerAsync(transport, Key(c, "server_static"), VectorFiles.Hex(Str(c, "psk")), hello, default, Key(c, "server_ephemeral"));

        Assert.Equal(VectorFiles.ToHex(messages[1]), VectorFiles.ToHex(transport.Sent.Single()));
        Assert.Equal(Str(c, "s2c_key"), VectorFiles.ToHex(keys.SendKey));
        Assert.Equal(Str(c, "c2s_key"), VectorFiles.ToHex(keys.ReceiveKey));
        Assert.Equal(Str(c.GetProperty("keys"), "client_static_public"), VectorFiles.ToHex(keys.PeerStaticPublic));
    }

    [Theory]
    [MemberData(nameof(PairingCases))]
    public async Task Pairing_client_produces_the_vector_messages_and_keys(string name)
    {
        var c = Case("pairing.json", name);
        var messages = Messages(c);
        var transport = new ScriptedTransport(messages[1]);

        var keys = await PairingHandshake.RunClientAsync(transport, Key(c, "client_static"), VectorFiles.Hex(Str(c, "psk")), default, Key(c, "client_ephemeral"));

        Assert.Equal([VectorFiles.ToHex(messages[0]), VectorFiles.ToHex(messages[2])], transport.Sent.Select(m => VectorFiles.ToHex(m)));
        Assert.Equal(Str(c, "c2s_key"), VectorFiles.ToHex(keys.SendKey));
        Assert.Equal(Str(c, "s2c_key"), VectorFiles.ToHex(keys.ReceiveKey));
        Assert.Equal(Str(c.GetProperty("keys"), "server_static_public"), VectorFiles.ToHex(keys.PeerStaticPublic));
    }

    [Theory]
    [MemberData(nameof(PairingCases))]
    public async Task Pairing_with_a_wrong_code_fails_on_both_sides_with_the_vector_outcome(string name)
    {
        var c = Case("pairing.json", name);
        var wrong = c.GetProperty("wrong_code");
        var messages = Messages(c);

        Assert.Equal(Str(wrong, "client_psk"), VectorFiles.ToHex(HandshakeCrypto.DerivePsk(Str(wrong, "client_code"))));
        var client = await Assert.ThrowsAsync<HandshakeException>(() =>
            PairingHandshake.RunClientAsync(new ScriptedTransport(messages[1]), Key(c, "client_static"), VectorFiles.Hex(Str(wrong, "client_psk")), default, Key(c, "client_ephemeral")));
        Assert.Equal(Str(wrong, "client_outcome"), client.Message);
        Assert.Equal(HandshakeFailureReason.WrongCode, client.Reason);

        var hello = HandshakeMessage.Parse(messages[0], HandshakeMessage.PairHello);
        var server = await Assert.ThrowsAsync<HandshakeException>(() =>
            PairingHandshake.RunServerAsync(new ScriptedTransport(), Key(c, "server_static"), VectorFiles.Hex(Str(c, "psk")), hello, default, Key(c, "server_ephemeral")));
        Assert.Equal(Str(wrong, "server_outcome"), server.Message);
    }

    [Theory]
    [MemberData(nameof(AuthCases))]
    public async Task Auth_server_produces_the_vector_offer_and_keys(string name)
    {
        var c = Case("auth.json", name);
        var messages = Messages(c);
        var transport = new ScriptedTransport();
        var hello = HandshakeMessage.Parse(messages[0], HandshakeMessage.AuthHello);

        var keys = await AuthHandshake.RunServerAsync(transport, Key(c, "server_static"), hello, _ => true, default, Key(c, "server_ephemeral"));

        Assert.Equal(VectorFiles.ToHex(messages[1]), VectorFiles.ToHex(transport.Sent.Single()));
        Assert.Equal(Str(c, "s2c_key"), VectorFiles.ToHex(keys.SendKey));
        Assert.Equal(Str(c, "c2s_key"), VectorFiles.ToHex(keys.ReceiveKey));
    }

    [Theory]
    [MemberData(nameof(AuthCases))]
    public async Task Auth_client_produces_the_vector_hello_and_keys(string name)
    {
        var c = Case("auth.json", name);
        var messages = Messages(c);
        var transport = new ScriptedTransport(messages[1]);
        var serverPublic = VectorFiles.Hex(Str(c.GetProperty("keys"), "server_static_public"));

        var keys = await AuthHandshake.RunClientAsync(transport, Key(c, "client_static"), serverPublic, default, Key(c, "client_ephemeral"));

        Assert.Equal(VectorFiles.ToHex(messages[0]), VectorFiles.ToHex(transport.Sent.Single()));
        Assert.Equal(Str(c, "c2s_key"), VectorFiles.ToHex(keys.SendKey));
        Assert.Equal(Str(c, "s2c_key"), VectorFiles.ToHex(keys.ReceiveKey));
    }

    [Theory]
    [MemberData(nameof(AuthCases))]
    public async Task Auth_untrusted_client_gets_the_ambiguous_offer_and_both_sides_fail_as_specified(string name)
    {
        var c = Case("auth.json", name);
        var untrusted = c.GetProperty("untrusted_client");
        var messages = Messages(c);
        var hello = HandshakeMessage.Parse(messages[0], HandshakeMessage.AuthHello);
        var transport = new ScriptedTransport();

        var server = await Assert.ThrowsAsync<HandshakeException>(() =>
            AuthHandshake.RunServerAsync(transport, Key(c, "server_static"), hello, _ => false, default, Key(c, "server_ephemeral")));
        Assert.Equal(Str(untrusted, "server_outcome"), server.Message);
        Assert.Equal(HandshakeFailureReason.UntrustedPeer, server.Reason);
        var offer = Str(untrusted.GetProperty("auth_offer"), "msgpack_hex");
        Assert.Equal(offer, VectorFiles.ToHex(transport.Sent.Single()));

        var serverPublic = VectorFiles.Hex(Str(c.GetProperty("keys"), "server_static_public"));
        var client = await Assert.ThrowsAsync<HandshakeException>(() =>
            AuthHandshake.RunClientAsync(new ScriptedTransport(VectorFiles.Hex(offer)), Key(c, "client_static"), serverPublic, default, Key(c, "client_ephemeral")));
        Assert.Equal(Str(untrusted, "client_outcome"), client.Message);
    }

    [Theory]
    [MemberData(nameof(AuthCases))]
    public async Task Auth_client_refuses_a_server_that_does_not_hold_the_expected_key(string name)
    {
        var c = Case("auth.json", name);
        var unexpected = c.GetProperty("unexpected_server");
        var messages = Messages(c);

        var client = await Assert.ThrowsAsync<HandshakeException>(() =>
            AuthHandshake.RunClientAsync(new ScriptedTransport(messages[1]), Key(c, "client_static"), VectorFiles.Hex(Str(unexpected, "expected_server_public")), default, Key(c, "client_ephemeral")));
        Assert.Equal(Str(unexpected, "client_outcome"), client.Message);
        Assert.Equal(HandshakeFailureReason.UnexpectedPeer, client.Reason);
    }

    public static TheoryData<string> MalformedHandshakeCases() => Protocol.FrameVectorTests.Indexes("malformed.json", e => e.GetProperty("decoder").GetString() == "handshake");

    [Theory]
    [MemberData(nameof(MalformedHandshakeCases))]
    public void Malformed_handshake_message_fails_with_the_exact_text(string index)
    {
        var entry = Protocol.FrameVectorTests.Entry("malformed.json", index);
        var bytes = VectorFiles.Hex(Str(entry, "hex"));
        var kind = Str(entry, "expected_kind");

        var ex = Assert.Throws<HandshakeException>(() =>
        {
            var map = HandshakeMessage.Parse(bytes, kind);
            foreach (var (field, length) in FieldsOf(kind))
            {
                HandshakeMessage.Field(map, field, length);
            }
        });
        Assert.Equal(Str(entry, "failure"), ex.Message);
        Assert.Equal(HandshakeFailureReason.Protocol, ex.Reason);
    }

    private static (string, int?)[] FieldsOf(string kind) => kind switch
    {
        HandshakeMessage.PairHello => [("e", 32)],
        HandshakeMessage.PairOffer => [("e", 32), ("ct", null)],
        HandshakeMessage.PairFinish => [("ct", null)],
        HandshakeMessage.AuthHello => [("e", 32), ("s", 32)],
        HandshakeMessage.AuthOffer => [("e", 32), ("ct", null)],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    internal static TheoryData<string> CaseNames(string file)
    {
        using var doc = VectorFiles.Load(file);
        var data = new TheoryData<string>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    internal static JsonElement Case(string file, string name)
    {
        using var doc = VectorFiles.Load(file);
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();
    }

    internal static string Str(JsonElement e, string property) => e.GetProperty(property).GetString()!;

    private static byte[][] Messages(JsonElement c) =>
        c.GetProperty("messages").EnumerateArray().Select(m => VectorFiles.Hex(Str(m, "msgpack_hex"))).ToArray();

    private static KeyPair Key(JsonElement c, string prefix)
    {
        var keys = c.GetProperty("keys");
        return new KeyPair(VectorFiles.Hex(Str(keys, prefix + "_private")), VectorFiles.Hex(Str(keys, prefix + "_public")));
    }
}
