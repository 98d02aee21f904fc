using OpenDesk.Trust;

namespace OpenDesk.Session;

/// <summary>An X25519 key pair as raw 32-byte scalar and public key (static identity or per-handshake ephemeral).</summary>
public sealed class KeyPair
{
    public KeyPair(byte[] privateKey)
    {
        PrivateKey = privateKey;
        PublicKey = X25519.PublicKeyFromPrivate(privateKey);
    }

    public KeyPair(byte[] privateKey, byte[] publicKey)
    {
        PrivateKey = privateKey;
        PublicKey = publicKey;
    }

    public byte[] PrivateKey { get; }

    public byte[] PublicKey { get; }

    public static KeyPair Generate() => new(X25519.GeneratePrivateKey());

    /// <summary>This machine's static key pair, for the handshakes.</summary>
    public static KeyPair From(Identity identity) => new(identity.PrivateKey.ToArray(), identity.PublicKey);

    /// <summary>DH(this, peer). A low-order peer key yields all zeros; that is a handshake failure (spec §5).</summary>
    public byte[] Agree(ReadOnlySpan<byte> peerPublic)
    {
        try
        {
            return X25519.SharedSecret(PrivateKey, peerPublic);
        }
        catch (Exception ex) when (ex is not HandshakeException)
        {
            throw new HandshakeException(HandshakeFailureReason.Protocol, "key agreement failed: peer sent an invalid public key", ex);
        }
    }
}
