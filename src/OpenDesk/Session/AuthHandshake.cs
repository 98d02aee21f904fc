using System.Security.Cryptography;
using OpenDesk.Protocol;
using OpenDesk.Transport;

namespace OpenDesk.Session;

/// <summary>Reconnect between already-paired keys: two messages, no PSK (spec §7).</summary>
public static class AuthHandshake
{
    public static async Task<SessionKeys> RunClientAsync(
        IMessageTransport transport, KeyPair staticKey, byte[] expectedServerPublic, CancellationToken cancellationToken, KeyPair? ephemeral = null)
    {
        if (expectedServerPublic.Length != 32)
        {
            throw new ArgumentException("expected_server_pubkey must be 32 bytes", nameof(expectedServerPublic));
        }

        ephemeral ??= KeyPair.Generate();
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(HandshakeMessage.AuthHello, ("e", ephemeral.PublicKey), ("s", staticKey.PublicKey)), HandshakeMessage.AuthHello, cancellationToken).ConfigureAwait(false);

        var offer = await HandshakeMessage.ReceiveAsync(transport, cancellationToken, HandshakeMessage.AuthOffer).ConfigureAwait(false);
        var serverEphemeral = HandshakeMessage.Field(offer, "e", 32);
        var ct = HandshakeMessage.Field(offer, "ct");

        var transcript = SHA256.HashData(HandshakeCrypto.Concat(serverEphemeral, ephemeral.PublicKey, staticKey.PublicKey));
        var dhEe = ephemeral.Agree(serverEphemeral);
        var dhSe = ephemeral.Agree(expectedServerPublic);
        var k = HandshakeCrypto.Hkdf(transcript, HandshakeCrypto.Concat(dhEe, dhSe), HandshakeCrypto.InfoAuth);
        var confirmation = HandshakeCrypto.Open(k, ct)
            ?? throw new HandshakeException(HandshakeFailureReason.UnexpectedPeer, "server does not hold the expected static key");
        if (!confirmation.AsSpan().SequenceEqual(HandshakeCrypto.Confirm))
        {
            throw new HandshakeException(HandshakeFailureReason.Protocol, "unexpected confirmation payload");
        }

        var ikm = HandshakeCrypto.Concat(dhEe, dhSe, staticKey.Agree(serverEphemeral), staticKey.Agree(expectedServerPublic));
        var (c2s, s2c) = HandshakeCrypto.SessionKeys(transcript, ikm);
        return new SessionKeys(c2s, s2c, expectedServerPublic);
    }

    /// <summary>
    /// Runs the server side after <c>auth_hello</c> was received. An untrusted key still gets a well-formed
    /// offer with an empty <c>ct</c> so it cannot tell "not trusted" from "wrong server" (spec §7.3).
    /// </summary>
    public static async Task<SessionKeys> RunServerAsync(
        IMessageTransport transport, KeyPair staticKey, MsgMap authHello, Func<byte[], bool> isTrustedController, CancellationToken cancellationToken, KeyPair? ephemeral = null)
    {
        var clientEphemeral = HandshakeMessage.Field(authHello, "e", 32);
        var clientStatic = HandshakeMessage.Field(authHello, "s", 32);
        ephemeral ??= KeyPair.Generate();

        if (!isTrustedController(clientStatic))
        {
            await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(HandshakeMessage.AuthOffer, ("e", ephemeral.PublicKey), ("ct", [])), HandshakeMessage.AuthOffer, cancellationToken).ConfigureAwait(false);
            throw new HandshakeException(HandshakeFailureReason.UntrustedPeer, "client static key not in trusted-peers");
        }

        var transcript = SHA256.HashData(HandshakeCrypto.Concat(ephemeral.PublicKey, clientEphemeral, clientStatic));
        var dhEe = ephemeral.Agree(clientEphemeral);
        var dhSe = staticKey.Agree(clientEphemeral);
        var k = HandshakeCrypto.Hkdf(transcript, HandshakeCrypto.Concat(dhEe, dhSe), HandshakeCrypto.InfoAuth);
        var ct = HandshakeCrypto.Seal(k, HandshakeCrypto.Confirm);
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(HandshakeMessage.AuthOffer, ("e", ephemeral.PublicKey), ("ct", ct)), HandshakeMessage.AuthOffer, cancellationToken).ConfigureAwait(false);

        var ikm = HandshakeCrypto.Concat(dhEe, dhSe, ephemeral.Agree(clientStatic), staticKey.Agree(clientStatic));
        var (c2s, s2c) = HandshakeCrypto.SessionKeys(transcript, ikm);
        return new SessionKeys(s2c, c2s, clientStatic);
    }
}
