using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OpenDesk.Protocol;
using OpenDesk.Session;
using OpenDesk.Session.Pake;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Session;

/// <summary>
/// Produces docs/protocol/vectors/pairing-cpace.json by running both sides of the CPace pairing over an in-memory
/// transport with fixed secrets and recording every message and intermediate value. The golden test compares the
/// committed file with this output; setting OPENDESK_WRITE_VECTORS=1 rewrites the file instead.
/// </summary>
internal static class CpacePairingVectorFile
{
    public const string FileName = "pairing-cpace.json";

    private static readonly (string Name, string Seed, string Code, string WrongCode, string Note)[] Cases =
    [
        ("primary", "opendesk pairing-cpace test vector", "428901", "428902", "a typical code; the wrong code differs in its last digit"),
        ("leading-zeros", "opendesk pairing-cpace test vector 2", "004217", "4217", "a code with leading zeros; the wrong code is the same number without them"),
    ];

    public static async Task<string> ProduceAsync()
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var w = new Utf8JsonWriter(buffer, options))
        {
            w.WriteStartObject();
            w.WriteString("description", "CPace pairing handshake (pairing-cpace.md). Each case gives the fixed inputs (X25519 key pairs, CPace scalars, code), every intermediate value of pairing-cpace.md §4 and the four wire messages; wrong_code replays a client that typed another code against the same server. Private keys are SHA-256('<seed>: <role>') for role in server static, client static, server ephemeral, client ephemeral; CPace scalars are SHA-512('<seed>: <side> cpace scalar') reduced modulo the ristretto255 group order.");
            w.WriteStartArray("cases");
            foreach (var c in Cases)
            {
                await WriteCaseAsync(w, c.Name, c.Seed, c.Code, c.WrongCode, c.Note);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static KeyPair Key(string seed, string role) =>
        new(SHA256.HashData(Encoding.ASCII.GetBytes($"{seed}: {role}")));

    public static byte[] Scalar(string seed, string side) =>
        LibSodium.RistrettoScalarReduce(SHA512.HashData(Encoding.ASCII.GetBytes($"{seed}: {side} cpace scalar")));

    /// <summary>
    /// Runs both sides concurrently and returns the messages as delivered, in wire order, with each side's outcome.
    /// <paramref name="tamper"/> may replace message n (0-based) on its way; null secrets are drawn fresh.
    /// </summary>
    public static async Task<(List<byte[]> Messages, SessionKeys? Client, SessionKeys? Server, HandshakeException? ClientError, HandshakeException? ServerError)> RunBothAsync(
        string serverCode, string clientCode, KeyPair serverStatic, KeyPair clientStatic,
        KeyPair? serverEphemeral = null, KeyPair? clientEphemeral = null, byte[]? serverScalar = null, byte[]? clientScalar = null, Func<int, byte[], byte[]>? tamper = null)
    {
        var messages = new List<byte[]>();
        var (clientTransport, serverTransport) = InMemoryTransport.CreatePair();
        clientTransport.Tamper = m => Record(messages, m, tamper);
        serverTransport.Tamper = m => Record(messages, m, tamper);

        var server = Task.Run(async () =>
        {
            try
            {
                var hello = await HandshakeMessage.ReceiveAsync(serverTransport, default, CpacePairingHandshake.Hello);
                return await CpacePairingHandshake.RunServerAsync(serverTransport, serverStatic, serverCode, hello, default, serverEphemeral, serverScalar);
            }
            finally
            {
                await serverTransport.CloseAsync();
            }
        });
        var client = Task.Run(async () =>
        {
            try
            {
                return await CpacePairingHandshake.RunClientAsync(clientTransport, clientStatic, clientCode, default, clientEphemeral, clientScalar);
            }
            catch (HandshakeException)
            {
                // As a real client does, so a server waiting for the next message sees the close.
                await clientTransport.CloseAsync();
                throw;
            }
        });

        var (clientKeys, clientError) = await Outcome(client);
        var (serverKeys, serverError) = await Outcome(server);
        return (messages, clientKeys, serverKeys, clientError, serverError);
    }

    private static async Task WriteCaseAsync(Utf8JsonWriter w, string name, string seed, string code, string wrongCode, string note)
    {
        var ss = Key(seed, "server static");
        var sc = Key(seed, "client static");
        var es = Key(seed, "server ephemeral");
        var ec = Key(seed, "client ephemeral");
        var ys = Scalar(seed, "server");
        var yc = Scalar(seed, "client");

        var run = await RunBothAsync(code, code, ss, sc, es, ec, ys, yc);
        if (run.ClientError is not null || run.ServerError is not null || run.Messages.Count != 4)
        {
            throw new InvalidOperationException($"vector case {name} did not pair: {run.ClientError?.Message} / {run.ServerError?.Message}");
        }

        var suite = CpacePairingCrypto.Suite;
        var sid = CpacePairingCrypto.SessionId(ec.PublicKey, es.PublicKey);
        var ci = CpacePairingCrypto.ChannelIdentifier(ss.PublicKey, sc.PublicKey);
        var prs = CpacePairingCrypto.PasswordString(code);
        var generator = suite.CalculateGenerator(prs, ci, sid);
        var serverShare = suite.Share(ys, generator);
        var clientShare = suite.Share(yc, generator);
        var k = suite.SharedPoint(ys, clientShare)!;
        var cpaceTranscript = CpacePairingCrypto.CpaceTranscript(serverShare, clientShare);
        var isk = suite.IntermediateSessionKey(sid, k, cpaceTranscript);
        var th = CpacePairingCrypto.TranscriptHash(ec.PublicKey, sc.PublicKey, es.PublicKey, ss.PublicKey, serverShare, clientShare);
        var dhEsEc = es.Agree(ec.PublicKey);
        var dhSsEc = ss.Agree(ec.PublicKey);
        var dhEsSc = es.Agree(sc.PublicKey);
        var dhSsSc = ss.Agree(sc.PublicKey);
        var ikm = HandshakeCrypto.Concat(isk, dhEsEc, dhSsEc, dhEsSc, dhSsSc);
        var keys = CpacePairingCrypto.DeriveKeys(isk, th, dhEsEc, dhSsEc, dhEsSc, dhSsSc);
        var clientMac = CpacePairingCrypto.ClientMac(keys, th);
        var serverMac = CpacePairingCrypto.ServerMac(keys, th, clientMac);

        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("note", note);
        w.WriteString("seed", seed);
        w.WriteString("code", code);
        w.WriteStartObject("keys");
        WriteKey(w, "server_static", ss);
        WriteKey(w, "client_static", sc);
        WriteKey(w, "server_ephemeral", es);
        WriteKey(w, "client_ephemeral", ec);
        w.WriteEndObject();
        Hex(w, "server_cpace_scalar", ys);
        Hex(w, "client_cpace_scalar", yc);
        Hex(w, "prs", prs);
        Hex(w, "sid", sid);
        Hex(w, "ci", ci);
        Hex(w, "generator_string", suite.GeneratorString(prs, ci, sid));
        Hex(w, "generator", generator);
        Hex(w, "server_share", serverShare);
        Hex(w, "client_share", clientShare);
        Hex(w, "k", k);
        Hex(w, "cpace_transcript", cpaceTranscript);
        Hex(w, "isk", isk);
        Hex(w, "transcript_hash", th);
        Hex(w, "dh_es_ec", dhEsEc);
        Hex(w, "dh_ss_ec", dhSsEc);
        Hex(w, "dh_es_sc", dhEsSc);
        Hex(w, "dh_ss_sc", dhSsSc);
        Hex(w, "ikm", ikm);
        Hex(w, "okm", HandshakeCrypto.Concat(keys.ClientMacKey, keys.ServerMacKey, keys.ClientToServerKey, keys.ServerToClientKey));
        Hex(w, "client_mac_key", keys.ClientMacKey);
        Hex(w, "server_mac_key", keys.ServerMacKey);
        Hex(w, "c2s_key", keys.ClientToServerKey);
        Hex(w, "s2c_key", keys.ServerToClientKey);
        Hex(w, "client_mac", clientMac);
        Hex(w, "server_mac", serverMac);
        w.WriteStartArray("messages");
        for (var i = 0; i < run.Messages.Count; i++)
        {
            WriteMessage(w, i % 2 == 0 ? "client_to_server" : "server_to_client", run.Messages[i]);
        }

        w.WriteEndArray();

        var wrong = await RunBothAsync(code, wrongCode, ss, sc, es, ec, ys, yc);
        if (wrong.ClientError is not { } clientError || wrong.ServerError is not { } serverError || wrong.Messages.Count != 4)
        {
            throw new InvalidOperationException($"vector case {name}: the wrong code did not fail as designed");
        }

        var wrongGenerator = suite.CalculateGenerator(CpacePairingCrypto.PasswordString(wrongCode), ci, sid);
        w.WriteStartObject("wrong_code");
        w.WriteString("client_code", wrongCode);
        Hex(w, "client_generator", wrongGenerator);
        var wrongShare = suite.Share(yc, wrongGenerator);
        Hex(w, "client_share", wrongShare);
        Hex(w, "server_k", suite.SharedPoint(ys, wrongShare)!);
        w.WritePropertyName("cpace_finish");
        WriteMessage(w, "client_to_server", wrong.Messages[2]);
        w.WritePropertyName("cpace_reject");
        WriteMessage(w, "server_to_client", wrong.Messages[3]);
        w.WriteString("server_outcome", serverError.Message);
        w.WriteString("client_outcome", clientError.Message);
        w.WriteEndObject();

        w.WriteEndObject();
    }

    private static void WriteKey(Utf8JsonWriter w, string role, KeyPair key)
    {
        Hex(w, role + "_private", key.PrivateKey);
        Hex(w, role + "_public", key.PublicKey);
    }

    private static void WriteMessage(Utf8JsonWriter w, string direction, byte[] message)
    {
        var map = (MsgMap)MsgPackReader.ReadSingle(message)!;
        w.WriteStartObject();
        w.WriteString("direction", direction);
        w.WriteString("kind", (string)map["kind"]!);
        w.WriteStartObject("object");
        foreach (var (key, value) in map)
        {
            switch (value)
            {
                case long number:
                    w.WriteNumber(key, number);
                    break;
                case string text:
                    w.WriteString(key, text);
                    break;
                case byte[] bytes:
                    w.WriteStartObject(key);
                    Hex(w, "$bin", bytes);
                    w.WriteEndObject();
                    break;
                default:
                    throw new InvalidOperationException($"unexpected {key} in a handshake message");
            }
        }

        w.WriteEndObject();
        Hex(w, "msgpack_hex", message);
        w.WriteEndObject();
    }

    private static void Hex(Utf8JsonWriter w, string name, ReadOnlySpan<byte> value) => w.WriteString(name, VectorFiles.ToHex(value));

    private static byte[] Record(List<byte[]> messages, byte[] message, Func<int, byte[], byte[]>? tamper)
    {
        lock (messages)
        {
            var delivered = tamper?.Invoke(messages.Count, message) ?? message;
            messages.Add(delivered.ToArray());
            return delivered;
        }
    }

    private static async Task<(SessionKeys?, HandshakeException?)> Outcome(Task<SessionKeys> side)
    {
        try
        {
            return (await side, null);
        }
        catch (HandshakeException ex)
        {
            return (null, ex);
        }
    }
}
