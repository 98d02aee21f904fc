using System.Security.Cryptography;
using System.Text;
using OpenDesk.Session.Pake;

namespace OpenDesk.Session;

/// <summary>
/// The key schedule of the CPace pairing (docs/protocol/pairing-cpace.md §4) as pure functions, so the vectors
/// can pin each step. The pairing code reaches the keys only through the CPace generator, hence only through
/// the shared point K; nothing here is a function of the code alone.
/// </summary>
internal static class CpacePairingCrypto
{
    public const int MacSize = 32;
    public const int KeySize = 32;

    public static readonly Cpace Suite = Cpace.Ristretto255Sha512;

    /// <summary>Names this protocol and its version in CI and in the transcript hash.</summary>
    public static readonly byte[] ProtocolLabel = "opendesk-pair-cpace-v1"u8.ToArray();

    public static readonly byte[] InfoKeys = "opendesk-cpace-keys"u8.ToArray();

    /// <summary>PRS: the code's UTF-8 bytes, exactly as typed; the protocol does not check its format (spec §3.5).</summary>
    public static byte[] PasswordString(string code)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        return Encoding.UTF8.GetBytes(code);
    }

    /// <summary>sid = e_c_pub || e_s_pub: each side contributes a fresh value, so no run's sid repeats.</summary>
    public static byte[] SessionId(byte[] clientEphemeral, byte[] serverEphemeral) =>
        HandshakeCrypto.Concat(clientEphemeral, serverEphemeral);

    /// <summary>
    /// CI = lv_cat(label, s_s_pub, s_c_pub): both identities, the server's first because its share is CPace's
    /// initiator share, as the draft recommends for identities known to both sides before the run.
    /// </summary>
    public static byte[] ChannelIdentifier(byte[] serverStatic, byte[] clientStatic) =>
        Cpace.LengthValueConcat(ProtocolLabel, serverStatic, clientStatic);

    public static byte[] Generator(string code, byte[] serverStatic, byte[] clientStatic, byte[] clientEphemeral, byte[] serverEphemeral) =>
        Suite.CalculateGenerator(PasswordString(code), ChannelIdentifier(serverStatic, clientStatic), SessionId(clientEphemeral, serverEphemeral));

    /// <summary>transcript_ir(Y_s, "", Y_c, ""): the server's share is sent first, so it is CPace's A.</summary>
    public static byte[] CpaceTranscript(byte[] serverShare, byte[] clientShare) =>
        Cpace.TranscriptInitiatorResponder(serverShare, [], clientShare, []);

    public static byte[] IntermediateSessionKey(byte[] sid, byte[] k, byte[] serverShare, byte[] clientShare) =>
        Suite.IntermediateSessionKey(sid, k, CpaceTranscript(serverShare, clientShare));

    /// <summary>SHA-256 over every field of cpace_hello and cpace_offer and the client's share, in wire order.</summary>
    public static byte[] TranscriptHash(byte[] clientEphemeral, byte[] clientStatic, byte[] serverEphemeral, byte[] serverStatic, byte[] serverShare, byte[] clientShare) =>
        SHA256.HashData(Cpace.LengthValueConcat(ProtocolLabel, clientEphemeral, clientStatic, serverEphemeral, serverStatic, serverShare, clientShare));

    /// <summary>
    /// HKDF over ISK and the four X25519 terms of the auth handshake (server's view, spec §7.2), so a MAC that
    /// verifies proves both the code (through ISK) and the static private key behind the advertised public key.
    /// </summary>
    public static CpacePairingKeys DeriveKeys(byte[] isk, byte[] transcriptHash, byte[] dhEsEc, byte[] dhSsEc, byte[] dhEsSc, byte[] dhSsSc)
    {
        var okm = HandshakeCrypto.Hkdf(transcriptHash, HandshakeCrypto.Concat(isk, dhEsEc, dhSsEc, dhEsSc, dhSsSc), InfoKeys, 4 * KeySize);
        return new CpacePairingKeys(okm[..KeySize], okm[KeySize..(2 * KeySize)], okm[(2 * KeySize)..(3 * KeySize)], okm[(3 * KeySize)..]);
    }

    public static byte[] ClientMac(CpacePairingKeys keys, byte[] transcriptHash) =>
        HMACSHA256.HashData(keys.ClientMacKey, transcriptHash);

    /// <summary>Covers the client's MAC too, so the server confirms the whole exchange it accepted.</summary>
    public static byte[] ServerMac(CpacePairingKeys keys, byte[] transcriptHash, byte[] clientMac) =>
        HMACSHA256.HashData(keys.ServerMacKey, HandshakeCrypto.Concat(transcriptHash, clientMac));

    public static bool MacMatches(byte[] expected, byte[] received) =>
        CryptographicOperations.FixedTimeEquals(expected, received);
}
