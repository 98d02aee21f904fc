using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenDesk.Session;
using OpenDesk.Session.Pake;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Session;

/// <summary>
/// docs/protocol/vectors/pairing-cpace.json: the file is what our two sides produce (golden test), each side
/// replays its half byte for byte against scripted peer messages, and every value is recomputed here from the
/// spec's derivations with the primitives called one by one (SHA-512, libsodium's ristretto255, X25519, HKDF,
/// HMAC), without the classes under test.
/// </summary>
public class CpacePairingVectorTests
{
    public static TheoryData<string> Cases() => HandshakeVectorTests.CaseNames(CpacePairingVectorFile.FileName);

    [Fact]
    public async Task Vector_file_is_what_both_sides_produce()
    {
        var produced = await CpacePairingVectorFile.ProduceAsync();
        var path = VectorFiles.Path(CpacePairingVectorFile.FileName);
        if (Environment.GetEnvironmentVariable("OPENDESK_WRITE_VECTORS") == "1")
        {
            await File.WriteAllTextAsync(path, produced);
        }

        Assert.Equal(produced, (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_value_follows_from_the_spec_derivations_computed_step_by_step(string name)
    {
        var c = Case(name);
        var keys = c.GetProperty("keys");
        byte[] K(string role) => Bytes(keys, role);

        Assert.Equal(Str(keys, "server_static_public"), Hex(X25519.PublicKeyFromPrivate(K("server_static_private"))));
        Assert.Equal(Str(keys, "client_static_public"), Hex(X25519.PublicKeyFromPrivate(K("client_static_private"))));
        Assert.Equal(Str(keys, "server_ephemeral_public"), Hex(X25519.PublicKeyFromPrivate(K("server_ephemeral_private"))));
        Assert.Equal(Str(keys, "client_ephemeral_public"), Hex(X25519.PublicKeyFromPrivate(K("client_ephemeral_private"))));
        var seed = Str(c, "seed");
        Assert.Equal(Str(keys, "server_static_private"), Hex(SHA256.HashData(Encoding.ASCII.GetBytes(seed + ": server static"))));
        Assert.Equal(Str(c, "server_cpace_scalar"), Hex(LibSodium.RistrettoScalarReduce(SHA512.HashData(Encoding.ASCII.GetBytes(seed + ": server cpace scalar")))));
        Assert.Equal(Str(c, "client_cpace_scalar"), Hex(LibSodium.RistrettoScalarReduce(SHA512.HashData(Encoding.ASCII.GetBytes(seed + ": client cpace scalar")))));

        var ss = K("server_static_public");
        var sc = K("client_static_public");
        var es = K("server_ephemeral_public");
        var ec = K("client_ephemeral_public");
        var label = "opendesk-pair-cpace-v1"u8.ToArray();

        var prs = Encoding.UTF8.GetBytes(Str(c, "code"));
        Assert.Equal(Str(c, "prs"), Hex(prs));
        var sid = Cat(ec, es);
        Assert.Equal(Str(c, "sid"), Hex(sid));
        var ci = Cat([22], label, [32], ss, [32], sc);
        Assert.Equal(Str(c, "ci"), Hex(ci));

        // generator_string = lv_cat(DSI, PRS, zero pad, CI, sid); every length here is below 128, one LEB128 byte.
        var dsi = "CPaceRistretto255"u8.ToArray();
        var pad = 128 - 1 - (1 + prs.Length) - (1 + dsi.Length);
        var generatorString = Cat([(byte)dsi.Length], dsi, [(byte)prs.Length], prs, [(byte)pad], new byte[pad], [(byte)ci.Length], ci, [(byte)sid.Length], sid);
        Assert.Equal(Str(c, "generator_string"), Hex(generatorString));
        var generator = LibSodium.RistrettoFromHash(SHA512.HashData(generatorString));
        Assert.Equal(Str(c, "generator"), Hex(generator));

        var serverShare = Mult(Bytes(c, "server_cpace_scalar"), generator);
        var clientShare = Mult(Bytes(c, "client_cpace_scalar"), generator);
        Assert.Equal(Str(c, "server_share"), Hex(serverShare));
        Assert.Equal(Str(c, "client_share"), Hex(clientShare));
        var k = Mult(Bytes(c, "server_cpace_scalar"), clientShare);
        Assert.Equal(Hex(k), Hex(Mult(Bytes(c, "client_cpace_scalar"), serverShare)));
        Assert.Equal(Str(c, "k"), Hex(k));

        var cpaceTranscript = Cat([32], serverShare, [0], [32], clientShare, [0]);
        Assert.Equal(Str(c, "cpace_transcript"), Hex(cpaceTranscript));
        var isk = SHA512.HashData(Cat([21], "CPaceRistretto255_ISK"u8.ToArray(), [64], sid, [32], k, cpaceTranscript));
        Assert.Equal(Str(c, "isk"), Hex(isk));
        var th = SHA256.HashData(Cat([22], label, [32], ec, [32], sc, [32], es, [32], ss, [32], serverShare, [32], clientShare));
        Assert.Equal(Str(c, "transcript_hash"), Hex(th));

        var dhEsEc = X25519.SharedSecret(K("server_ephemeral_private"), ec);
        var dhSsEc = X25519.SharedSecret(K("server_static_private"), ec);
        var dhEsSc = X25519.SharedSecret(K("server_ephemeral_private"), sc);
        var dhSsSc = X25519.SharedSecret(K("server_static_private"), sc);
        Assert.Equal(Hex(dhEsEc), Hex(X25519.SharedSecret(K("client_ephemeral_private"), es)));
        Assert.Equal(Hex(dhSsEc), Hex(X25519.SharedSecret(K("client_ephemeral_private"), ss)));
        Assert.Equal(Hex(dhEsSc), Hex(X25519.SharedSecret(K("client_static_private"), es)));
        Assert.Equal(Hex(dhSsSc), Hex(X25519.SharedSecret(K("client_static_private"), ss)));
        Assert.Equal([Str(c, "dh_es_ec"), Str(c, "dh_ss_ec"), Str(c, "dh_es_sc"), Str(c, "dh_ss_sc")], [Hex(dhEsEc), Hex(dhSsEc), Hex(dhEsSc), Hex(dhSsSc)]);

        var ikm = Cat(isk, dhEsEc, dhSsEc, dhEsSc, dhSsSc);
        Assert.Equal(Str(c, "ikm"), Hex(ikm));
        var okm = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 128, th, "opendesk-cpace-keys"u8.ToArray());
        Assert.Equal(Str(c, "okm"), Hex(okm));
        Assert.Equal(
            [Str(c, "client_mac_key"), Str(c, "server_mac_key"), Str(c, "c2s_key"), Str(c, "s2c_key")],
            [Hex(okm.AsSpan(0, 32)), Hex(okm.AsSpan(32, 32)), Hex(okm.AsSpan(64, 32)), Hex(okm.AsSpan(96, 32))]);

        var clientMac = HMACSHA256.HashData(okm[..32], th);
        Assert.Equal(Str(c, "client_mac"), Hex(clientMac));
        var serverMac = HMACSHA256.HashData(okm[32..64], Cat(th, clientMac));
        Assert.Equal(Str(c, "server_mac"), Hex(serverMac));

        // The wire messages: the generic msgpack encoder of the test suite must give the same bytes from the
        // objects, and the objects must carry exactly the values above, keys in this order.
        var messages = c.GetProperty("messages").EnumerateArray().ToArray();
        AssertMessage(messages[0], "cpace_hello", ("e", ec), ("s", sc));
        AssertMessage(messages[1], "cpace_offer", ("e", es), ("s", ss), ("y", serverShare));
        AssertMessage(messages[2], "cpace_finish", ("y", clientShare), ("mac", clientMac));
        AssertMessage(messages[3], "cpace_confirm", ("mac", serverMac));

        var wrong = c.GetProperty("wrong_code");
        var wrongPrs = Encoding.UTF8.GetBytes(Str(wrong, "client_code"));
        var wrongPad = 128 - 1 - (1 + wrongPrs.Length) - (1 + dsi.Length);
        var wrongGenerator = LibSodium.RistrettoFromHash(SHA512.HashData(
            Cat([(byte)dsi.Length], dsi, [(byte)wrongPrs.Length], wrongPrs, [(byte)wrongPad], new byte[wrongPad], [(byte)ci.Length], ci, [(byte)sid.Length], sid)));
        Assert.Equal(Str(wrong, "client_generator"), Hex(wrongGenerator));
        var wrongShare = Mult(Bytes(c, "client_cpace_scalar"), wrongGenerator);
        Assert.Equal(Str(wrong, "client_share"), Hex(wrongShare));
        // The client's K = y_c · Y_s does not involve its generator, so it is the right K; the server's
        // y_s · Y_c' is not, and that is where the mismatch shows.
        Assert.Equal(Hex(k), Hex(Mult(Bytes(c, "client_cpace_scalar"), serverShare)));
        var serverK = Mult(Bytes(c, "server_cpace_scalar"), wrongShare);
        Assert.Equal(Str(wrong, "server_k"), Hex(serverK));
        Assert.NotEqual(Hex(k), Hex(serverK));

        var wrongTh = SHA256.HashData(Cat([22], label, [32], ec, [32], sc, [32], es, [32], ss, [32], serverShare, [32], wrongShare));
        var wrongIsk = SHA512.HashData(Cat([21], "CPaceRistretto255_ISK"u8.ToArray(), [64], sid, [32], k, [32], serverShare, [0], [32], wrongShare, [0]));
        var wrongOkm = HKDF.DeriveKey(HashAlgorithmName.SHA256, Cat(wrongIsk, dhEsEc, dhSsEc, dhEsSc, dhSsSc), 128, wrongTh, "opendesk-cpace-keys"u8.ToArray());
        AssertMessage(wrong.GetProperty("cpace_finish"), "cpace_finish", ("y", wrongShare), ("mac", HMACSHA256.HashData(wrongOkm[..32], wrongTh)));
        AssertMessage(wrong.GetProperty("cpace_reject"), "cpace_reject");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Server_replays_its_half_byte_for_byte(string name)
    {
        var c = Case(name);
        var messages = Messages(c);
        var transport = new ScriptedTransport(messages[2]);
        var hello = HandshakeMessage.Parse(messages[0], CpacePairingHandshake.Hello);

        var keys = await CpacePairingHandshake.RunServerAsync(transport, Key(c, "server_static"), Str(c, "code"), hello, default, Key(c, "server_ephemeral"), Bytes(c, "server_cpace_scalar"));

        Assert.Equal([Hex(messages[1]), Hex(messages[3])], transport.Sent.Select(m => Hex(m)));
        Assert.Equal(Str(c, "s2c_key"), Hex(keys.SendKey));
        Assert.Equal(Str(c, "c2s_key"), Hex(keys.ReceiveKey));
        Assert.Equal(Str(c.GetProperty("keys"), "client_static_public"), Hex(keys.PeerStaticPublic));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Client_replays_its_half_byte_for_byte(string name)
    {
        var c = Case(name);
        var messages = Messages(c);
        var transport = new ScriptedTransport(messages[1], messages[3]);

        var keys = await CpacePairingHandshake.RunClientAsync(transport, Key(c, "client_static"), Str(c, "code"), default, Key(c, "client_ephemeral"), Bytes(c, "client_cpace_scalar"));

        Assert.Equal([Hex(messages[0]), Hex(messages[2])], transport.Sent.Select(m => Hex(m)));
        Assert.Equal(Str(c, "c2s_key"), Hex(keys.SendKey));
        Assert.Equal(Str(c, "s2c_key"), Hex(keys.ReceiveKey));
        Assert.Equal(Str(c.GetProperty("keys"), "server_static_public"), Hex(keys.PeerStaticPublic));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Wrong_code_replays_on_both_sides_with_the_vector_outcomes(string name)
    {
        var c = Case(name);
        var wrong = c.GetProperty("wrong_code");
        var messages = Messages(c);
        var wrongFinish = Bytes(wrong.GetProperty("cpace_finish"), "msgpack_hex");
        var reject = Bytes(wrong.GetProperty("cpace_reject"), "msgpack_hex");

        var serverTransport = new ScriptedTransport(wrongFinish);
        var hello = HandshakeMessage.Parse(messages[0], CpacePairingHandshake.Hello);
        var server = await Assert.ThrowsAsync<HandshakeException>(() =>
            CpacePairingHandshake.RunServerAsync(serverTransport, Key(c, "server_static"), Str(c, "code"), hello, default, Key(c, "server_ephemeral"), Bytes(c, "server_cpace_scalar")));
        Assert.Equal(Str(wrong, "server_outcome"), server.Message);
        Assert.Equal(HandshakeFailureReason.WrongCode, server.Reason);
        Assert.Equal([Hex(messages[1]), Hex(reject)], serverTransport.Sent.Select(m => Hex(m)));

        var clientTransport = new ScriptedTransport(messages[1], reject);
        var client = await Assert.ThrowsAsync<HandshakeException>(() =>
            CpacePairingHandshake.RunClientAsync(clientTransport, Key(c, "client_static"), Str(wrong, "client_code"), default, Key(c, "client_ephemeral"), Bytes(c, "client_cpace_scalar")));
        Assert.Equal(Str(wrong, "client_outcome"), client.Message);
        Assert.Equal(HandshakeFailureReason.WrongCode, client.Reason);
        Assert.Equal([Hex(messages[0]), Hex(wrongFinish)], clientTransport.Sent.Select(m => Hex(m)));
    }

    internal static JsonElement Case(string name) => HandshakeVectorTests.Case(CpacePairingVectorFile.FileName, name);

    internal static byte[][] Messages(JsonElement c) =>
        c.GetProperty("messages").EnumerateArray().Select(m => Bytes(m, "msgpack_hex")).ToArray();

    internal static KeyPair Key(JsonElement c, string prefix)
    {
        var keys = c.GetProperty("keys");
        return new KeyPair(Bytes(keys, prefix + "_private"), Bytes(keys, prefix + "_public"));
    }

    internal static byte[] Bytes(JsonElement e, string property) => VectorFiles.Hex(Str(e, property));

    private static void AssertMessage(JsonElement message, string kind, params (string Name, byte[] Value)[] fields)
    {
        Assert.Equal(kind, Str(message, "kind"));
        var tree = (OpenDesk.Protocol.MsgMap)VectorFiles.ToTree(message.GetProperty("object"))!;
        Assert.Equal(["v", "kind", .. fields.Select(f => f.Name)], tree.Keys);
        Assert.Equal(1L, tree["v"]);
        Assert.Equal(kind, tree["kind"]);
        foreach (var (fieldName, value) in fields)
        {
            Assert.Equal(Hex(value), Hex((byte[])tree[fieldName]!));
        }

        Assert.Equal(Str(message, "msgpack_hex"), Hex(VectorFiles.EncodeTree(tree)));
    }

    private static byte[] Mult(byte[] scalar, byte[] element)
    {
        var result = new byte[32];
        Assert.True(LibSodium.RistrettoScalarMult(scalar, element, result));
        return result;
    }

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static string Str(JsonElement e, string property) => e.GetProperty(property).GetString()!;

    private static string Hex(ReadOnlySpan<byte> bytes) => VectorFiles.ToHex(bytes);
}
