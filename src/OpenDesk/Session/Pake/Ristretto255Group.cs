namespace OpenDesk.Session.Pake;

/// <summary>G_Ristretto255 of draft-irtf-cfrg-cpace-21 ("CPace group objects G_Ristretto255 and G_Decaf448") on libsodium's ristretto255 API.</summary>
internal sealed class Ristretto255Group : ICpaceGroup
{
    public static readonly Ristretto255Group Instance = new();

    private static readonly byte[] Dsi = "CPaceRistretto255"u8.ToArray();
    private static readonly byte[] Neutral = new byte[LibSodium.RistrettoElementSize];

    private Ristretto255Group()
    {
    }

    public ReadOnlySpan<byte> DomainSeparator => Dsi;

    public int ElementSize => LibSodium.RistrettoElementSize;

    public int ScalarSize => LibSodium.RistrettoScalarSize;

    public int ElementDerivationInputSize => LibSodium.RistrettoHashSize;

    public ReadOnlySpan<byte> Identity => Neutral;

    public byte[] ElementFromHash(ReadOnlySpan<byte> hash) => LibSodium.RistrettoFromHash(hash);

    /// <summary>
    /// Uniform in [1, L-1], the alternative the draft allows to clearing bits above 252: libsodium already
    /// offers it, and it never yields the zero scalar that would make a share the identity.
    /// </summary>
    public byte[] SampleScalar() => LibSodium.RistrettoScalarRandom();

    public byte[] ScalarMultVerified(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> element)
    {
        var result = new byte[LibSodium.RistrettoElementSize];
        if (element.Length != LibSodium.RistrettoElementSize || !LibSodium.RistrettoScalarMult(scalar, element, result))
        {
            // libsodium reports a failed decode and an identity product alike; the draft maps both to G.I.
            return Neutral.ToArray();
        }

        return result;
    }
}
