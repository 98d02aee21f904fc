namespace OpenDesk.Session.Pake;

/// <summary>
/// The group environment G of CPace (draft-irtf-cfrg-cpace-21, "Group environment G"): element derivation, scalar sampling and
/// verified scalar multiplication on encoded elements. Everything platform-specific sits behind this, so another
/// group or another native library can replace <see cref="Ristretto255Group"/> without touching the protocol.
/// </summary>
internal interface ICpaceGroup
{
    /// <summary>G.DSI, the domain-separation string that names the group in every hash.</summary>
    ReadOnlySpan<byte> DomainSeparator { get; }

    /// <summary>Bytes of an encoded element.</summary>
    int ElementSize { get; }

    /// <summary>Bytes of a scalar (little-endian).</summary>
    int ScalarSize { get; }

    /// <summary>How many bytes of H's output <see cref="ElementFromHash"/> takes.</summary>
    int ElementDerivationInputSize { get; }

    /// <summary>The encoding of G.I, the neutral element, which <see cref="ScalarMultVerified"/> returns on failure.</summary>
    ReadOnlySpan<byte> Identity { get; }

    /// <summary>Maps hash output to an encoded element (the last step of G.calculate_generator).</summary>
    byte[] ElementFromHash(ReadOnlySpan<byte> hash);

    /// <summary>G.sample_scalar(): a fresh secret scalar, never zero.</summary>
    byte[] SampleScalar();

    /// <summary>
    /// G.scalar_mult_vfy(y, X): encode(y · decode(X)), or <see cref="Identity"/> when X does not decode or the
    /// product is the neutral element. Also serves as G.scalar_mult on a generator this side derived itself.
    /// </summary>
    byte[] ScalarMultVerified(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> element);
}
