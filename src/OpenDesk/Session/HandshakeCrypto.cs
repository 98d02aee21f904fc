using System.Security.Cryptography;
using System.Text;

namespace OpenDesk.Session;

/// <summary>The key schedule of both handshakes (spec §5–§7), as pure functions so the vectors can pin each step.</summary>
public static class HandshakeCrypto
{
    public const int KeySize = 32;
    public const int TagSize = 16;
    public const int PbkdfIterations = 200_000;

    public static readonly byte[] PskSalt = "opendesk-psk-v1"u8.ToArray();
    public static readonly byte[] InfoK1 = "opendesk-pair-k1"u8.ToArray();
    public static readonly byte[] InfoK2 = "opendesk-pair-k2"u8.ToArray();
    public static readonly byte[] InfoAuth = "opendesk-auth-k"u8.ToArray();
    public static readonly byte[] InfoSession = "opendesk-session-keys"u8.ToArray();
    public static readonly byte[] Confirm = "ok"u8.ToArray();

    public static byte[] DerivePsk(string code) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), PskSalt, PbkdfIterations, HashAlgorithmName.SHA256, KeySize);

    public static byte[] Hkdf(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> info, int length = KeySize)
    {
        var output = new byte[length];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, output, salt, info);
        return output;
    }

    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagSize];
        using var aead = new ChaCha20Poly1305(key);
        aead.Encrypt(stackalloc byte[12], plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length));
        return output;
    }

    /// <summary>Opens a zero-nonce handshake box, or returns null when authentication fails.</summary>
    public static byte[]? Open(byte[] key, ReadOnlySpan<byte> sealedBox)
    {
        if (sealedBox.Length < TagSize)
        {
            return null;
        }

        var plaintext = new byte[sealedBox.Length - TagSize];
        using var aead = new ChaCha20Poly1305(key);
        try
        {
            aead.Decrypt(stackalloc byte[12], sealedBox[..plaintext.Length], sealedBox[plaintext.Length..], plaintext);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    public static byte[] Concat(params ReadOnlySpan<byte[]> parts)
    {
        var length = 0;
        foreach (var part in parts)
        {
            length += part.Length;
        }

        var result = new byte[length];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }

    /// <summary>Splits the 64-byte HKDF output: c2s first, s2c second (spec §6.3).</summary>
    public static (byte[] ClientToServer, byte[] ServerToClient) SessionKeys(byte[] transcript, byte[] ikm)
    {
        var okm = Hkdf(transcript, ikm, InfoSession, 2 * KeySize);
        return (okm[..KeySize], okm[KeySize..]);
    }
}
