using OpenDesk.Protocol;
using OpenDesk.Transport;

namespace OpenDesk.Session;

/// <summary>First contact: three messages keyed by a PBKDF2 PSK of the 6-digit code (spec §6).</summary>
public static class PairingHandshake
{
    public static async Task<SessionKeys> RunClientAsync(
        IMessageTransport transport, KeyPair staticKey, byte[] psk, CancellationToken cancellationToken, KeyPair? ephemeral = null)
    {
        ephemeral ??= KeyPair.Generate();
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(HandshakeMessage.PairHello, ("e", ephemeral.PublicKey)), HandshakeMessage.PairHello, cancellationToken).ConfigureAwait(false);

        var offer = await HandshakeMessage.ReceiveAsync(transport, cancellationToken, HandshakeMessage.PairOffer).ConfigureAwait(false);
        var serverEphemeral = HandshakeMessage.Field(offer, "e", 32);
        var ct1 = HandshakeMessage.Field(offer, "ct");

        var dhEe = ephemeral.Agree(serverEphemeral);
        var k1 = HandshakeCrypto.Hkdf(psk, dhEe, HandshakeCrypto.InfoK1);
        var serverStatic = HandshakeCrypto.Open(k1, ct1)
            ?? throw new HandshakeException(HandshakeFailureReason.WrongCode, "server PSK does not match — wrong code?");
        if (serverStatic.Length != 32)
        {
            throw new HandshakeException(HandshakeFailureReason.Protocol, "decrypted server static key wrong length");
        }

        var k2 = HandshakeCrypto.Hkdf(HandshakeCrypto.Concat(psk, ct1), dhEe, HandshakeCrypto.InfoK2);
        var ct2 = HandshakeCrypto.Seal(k2, staticKey.PublicKey);
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(HandshakeMessage.PairFinish, ("ct", ct2)), HandshakeMessage.PairFinish, cancellationToken).ConfigureAwait(false);

        var transcript = System.Security.Cryptography.SHA256.HashData(HandshakeCrypto.Concat(serverEphemeral, ephemeral.PublicKey, ct1, ct2));
        var ikm = HandshakeCrypto.Concat(dhEe, ephemeral.Agree(serverStatic), staticKey.Agree(serverEphemeral), psk);
        var (c2s, s2c) = HandshakeCrypto.SessionKeys(transcript, ikm);
        return new SessionKeys(c2s, s2c, serverStatic);
    }

    /// <summary>Runs the server side after <c>pair_hello</c> has been received and parsed.</summary>
    public static async Task<SessionKeys> RunServerAsync(
        IMessageTransport transport, KeyPair staticKey, byte[] psk, MsgMap pairHello, CancellationToken cancellationToken, KeyPair? ephemeral = null)
    {
        var clientEphemeral = HandshakeMessage.Field(pairHello, "e", 32);
        ephemeral ??= KeyPair.Generate();

        var dhEe = ephemeral.Agree(clientEphemeral);
        var k1 = HandshakeCrypto.Hkdf(psk, dhEe, HandshakeCrypto.InfoK1);
        var ct1 = HandshakeCrypto.Seal(k1, staticKey.PublicKey);
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(HandshakeMessage.PairOffer, ("e", ephemeral.PublicKey), ("ct", ct1)), HandshakeMessage.PairOffer, cancellationToken).ConfigureAwait(false);

        var finish = await HandshakeMessage.ReceiveAsync(transport, cancellationToken, HandshakeMessage.PairFinish).ConfigureAwait(false);
        var ct2 = HandshakeMessage.Field(finish, "ct");
        var k2 = HandshakeCrypto.Hkdf(HandshakeCrypto.Concat(psk, ct1), dhEe, HandshakeCrypto.InfoK2);
        var clientStatic = HandshakeCrypto.Open(k2, ct2)
            ?? throw new HandshakeException(HandshakeFailureReason.WrongCode, "client could not prove the pairing code");
        if (clientStatic.Length != 32)
        {
            throw new HandshakeException(HandshakeFailureReason.Protocol, "decrypted client static key wrong length");
        }

        var transcript = System.Security.Cryptography.SHA256.HashData(HandshakeCrypto.Concat(ephemeral.PublicKey, clientEphemeral, ct1, ct2));
        var ikm = HandshakeCrypto.Concat(dhEe, staticKey.Agree(clientEphemeral), ephemeral.Agree(clientStatic), psk);
        var (c2s, s2c) = HandshakeCrypto.SessionKeys(transcript, ikm);
        return new SessionKeys(s2c, c2s, clientStatic);
    }
}
