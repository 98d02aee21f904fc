namespace OpenDesk.Trust;

/// <summary>The short human-facing identifiers derived from a public key (spec §3.3, §3.4, §22).</summary>
public static class Fingerprint
{
    /// <summary><c>9c2f:1abc:b3d4:8870</c>: the first 8 bytes in four groups of four hex characters.</summary>
    public static string Colon(ReadOnlySpan<byte> publicKey) => Colon(Hex(publicKey));

    public static string Colon(string publicKeyHex)
    {
        RequireHexPrefix(publicKeyHex, 16);
        return string.Create(19, publicKeyHex, static (span, hex) =>
        {
            for (int group = 0; group < 4; group++)
            {
                hex.AsSpan(group * 4, 4).CopyTo(span[(group * 5)..]);
                if (group < 3)
                {
                    span[(group * 5) + 4] = ':';
                }
            }
        });
    }

    /// <summary>The audit log's <c>peer.fp</c>: the first 8 bytes as 16 hex characters without colons.</summary>
    public static string Audit(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(publicKey[..8]);

    public static string Audit(string publicKeyHex)
    {
        RequireHexPrefix(publicKeyHex, 16);
        return publicKeyHex[..16];
    }

    /// <summary>The name given to a peer stored without one: <c>peer-</c> and the first 6 hex characters.</summary>
    public static string DefaultName(ReadOnlySpan<byte> publicKey) => "peer-" + Convert.ToHexStringLower(publicKey[..3]);

    public static string DefaultName(string publicKeyHex)
    {
        RequireHexPrefix(publicKeyHex, 6);
        return "peer-" + publicKeyHex[..6];
    }

    /// <summary>
    /// Whether <paramref name="identifier"/> names the key <paramref name="publicKeyHex"/>: the whole key in hex, its colon
    /// fingerprint, or the fingerprint's 16 hex digits (the audit form), in any letter case.
    /// </summary>
    public static bool Matches(string publicKeyHex, string identifier)
    {
        ArgumentNullException.ThrowIfNull(publicKeyHex);
        ArgumentNullException.ThrowIfNull(identifier);
        if (publicKeyHex.Length < 16)
        {
            return false;
        }

        return identifier.Length switch
        {
            64 => string.Equals(publicKeyHex, identifier, StringComparison.OrdinalIgnoreCase),
            19 => string.Equals(Colon(publicKeyHex), identifier, StringComparison.OrdinalIgnoreCase),
            16 => string.Equals(publicKeyHex[..16], identifier, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    private static string Hex(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(publicKey[..8]);

    private static void RequireHexPrefix(string hex, int length)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length < length)
        {
            throw new ArgumentException($"public key hex must have at least {length} characters", nameof(hex));
        }
    }
}
