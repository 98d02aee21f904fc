using System.Security.Cryptography;
using NSec.Cryptography;

namespace OpenDesk.Session;

/// <summary>
/// RFC 7748 X25519 over raw 32-byte keys. Private keys are the scalar exactly as stored in
/// <c>identity.key</c>, not pre-clamped: libsodium clamps on every use, which is what makes the all-zero
/// and all-0xff scalars of the test vectors valid.
/// </summary>
internal static class X25519
{
    public const int KeySize = 32;

    private static readonly KeyAgreementAlgorithm Algorithm = KeyAgreementAlgorithm.X25519;

    public static byte[] GeneratePrivateKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static byte[] PublicKeyFromPrivate(ReadOnlySpan<byte> privateKey)
    {
        using var key = ImportPrivate(privateKey);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <exception cref="HandshakeException">
    /// The result is all zeros because the peer sent a low-order point; spec §5 makes that a handshake failure
    /// with reason <c>protocol</c>.
    /// </exception>
    public static byte[] SharedSecret(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey)
    {
        if (peerPublicKey.Length != KeySize)
        {
            throw new ArgumentException($"X25519 public key must be {KeySize} bytes, got {peerPublicKey.Length}", nameof(peerPublicKey));
        }

        using var key = ImportPrivate(privateKey);
        var peer = PublicKey.Import(Algorithm, peerPublicKey, KeyBlobFormat.RawPublicKey);
        using var secret = Algorithm.Agree(key, peer, new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport })
            ?? throw new HandshakeException(HandshakeFailureReason.Protocol, "X25519 shared secret is all zeros (low-order public key)");
        return secret.Export(SharedSecretBlobFormat.RawSharedSecret);
    }

    private static Key ImportPrivate(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException($"X25519 private key must be {KeySize} bytes, got {privateKey.Length}", nameof(privateKey));
        }

        // Only the public half and agreement results are ever exported, never the private key itself.
        return Key.Import(Algorithm, privateKey, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });
    }
}
