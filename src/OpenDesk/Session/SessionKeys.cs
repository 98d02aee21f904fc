namespace OpenDesk.Session;

/// <summary>The outcome of a handshake: per-direction session keys and the peer's authenticated static key.</summary>
public sealed record SessionKeys(byte[] SendKey, byte[] ReceiveKey, byte[] PeerStaticPublic);

/// <summary>How a server-side session came to be: through pairing or through key authentication.</summary>
internal enum HandshakeMode
{
    Auth,
    Pair,
}
