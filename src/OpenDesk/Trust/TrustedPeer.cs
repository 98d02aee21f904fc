namespace OpenDesk.Trust;

/// <summary>One entry of <c>trusted-peers.json</c> (spec §4.1).</summary>
public sealed record TrustedPeer
{
    /// <summary>The peer's X25519 public key as 64 lowercase hex characters.</summary>
    public required string PublicKey
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != 64 || !IsLowerHex(value))
            {
                throw new ArgumentException("public key must be 64 lowercase hex characters", nameof(value));
            }

            field = value;
        }
    }

    /// <summary>Friendly name; unique by convention only.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>One of <see cref="PeerRole"/>'s values; other strings read from disk are kept as they are.</summary>
    public string Role { get; init => field = value ?? ""; } = PeerRole.Legacy;

    /// <summary>When the entry was created, in epoch seconds.</summary>
    public double PairedAt
    {
        get;
        init
        {
            // The file stores a JSON number, which has no spelling for NaN or infinities.
            if (!double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "paired_at must be finite");
            }

            field = value;
        }
    }

    /// <summary>The description the peer last broadcast in its HELLO.</summary>
    public string Description { get; init => field = value ?? ""; } = "";

    /// <summary>A label set locally; wins over <see cref="Description"/> when non-empty.</summary>
    public string DescriptionOverride { get; init => field = value ?? ""; } = "";

    /// <summary>Host the peer was last reached at; empty when unknown.</summary>
    public string LastHost { get; init => field = value ?? ""; } = "";

    /// <summary>Port for <see cref="LastHost"/>; 0 when unknown.</summary>
    public int LastPort { get; init; }

    public string EffectiveDescription => DescriptionOverride.Length > 0 ? DescriptionOverride : Description;

    /// <summary>The raw 32-byte public key (a fresh copy).</summary>
    public byte[] PublicKeyBytes => Convert.FromHexString(PublicKey);

    /// <summary>The colon fingerprint, e.g. <c>9c2f:1abc:b3d4:8870</c>.</summary>
    public string Fingerprint => Trust.Fingerprint.Colon(PublicKey);

    internal static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
