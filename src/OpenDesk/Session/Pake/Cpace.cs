using System.Security.Cryptography;

namespace OpenDesk.Session.Pake;

/// <summary>
/// CPace (draft-irtf-cfrg-cpace-21) with H = SHA-512 over a pluggable group: the string utilities of its
/// appendix A, generator derivation, shares, the verified shared point K, and ISK for the initiator-responder
/// and ordered-concatenation transcripts. Pure functions over byte strings, so the draft's vectors pin each step.
/// </summary>
/// <remarks>K never leaves this layer's callers except hashed into ISK: the draft forbids exposing it because a
/// leaked K is an offline oracle for the password.</remarks>
internal sealed class Cpace(ICpaceGroup group)
{
    /// <summary>CPACE-RISTR255-SHA512.</summary>
    public static readonly Cpace Ristretto255Sha512 = new(Ristretto255Group.Instance);

    /// <summary>H.s_in_bytes of SHA-512: the input block size the generator string's zero padding fills.</summary>
    public const int HashBlockSize = 128;

    /// <summary>H.b_in_bytes of SHA-512, the length of ISK.</summary>
    public const int HashSize = 64;

    private static readonly byte[] IskSuffix = "_ISK"u8.ToArray();
    private static readonly byte[] SidOutputPrefix = "CPaceSidOutput"u8.ToArray();
    private static readonly byte[] OrderedPrefix = "oc"u8.ToArray();

    public ICpaceGroup Group { get; } = group;

    /// <summary>prepend_len: the LEB128 length of <paramref name="data"/> followed by the data.</summary>
    public static byte[] PrependLength(ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[10];
        var n = 0;
        var remaining = (ulong)data.Length;
        do
        {
            var low = (byte)(remaining & 0x7f);
            remaining >>= 7;
            length[n++] = remaining == 0 ? low : (byte)(low | 0x80);
        }
        while (remaining != 0);

        var result = new byte[n + data.Length];
        length[..n].CopyTo(result);
        data.CopyTo(result.AsSpan(n));
        return result;
    }

    /// <summary>lv_cat: each part with its length prepended, concatenated.</summary>
    public static byte[] LengthValueConcat(params ReadOnlySpan<byte[]> parts)
    {
        using var buffer = new MemoryStream();
        foreach (var part in parts)
        {
            buffer.Write(PrependLength(part));
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// generator_string(DSI, PRS, CI, sid, s_in_bytes) = lv_cat(DSI, PRS, zero_bytes(len_zpad), CI, sid), the
    /// padding making DSI and PRS fill the first hash block whatever the password's length.
    /// </summary>
    public static byte[] GeneratorString(ReadOnlySpan<byte> dsi, ReadOnlySpan<byte> prs, ReadOnlySpan<byte> ci, ReadOnlySpan<byte> sid, int blockSize)
    {
        var padding = Math.Max(0, blockSize - 1 - PrependLength(prs).Length - PrependLength(dsi).Length);
        return LengthValueConcat(dsi.ToArray(), prs.ToArray(), new byte[padding], ci.ToArray(), sid.ToArray());
    }

    /// <summary>lexiographically_larger of the draft: byte-wise, and a longer string wins a common prefix.</summary>
    public static bool LexicographicallyLarger(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) =>
        first.SequenceCompareTo(second) > 0;

    /// <summary>o_cat: "oc", then the lexicographically larger string, then the other.</summary>
    public static byte[] OrderedConcat(byte[] first, byte[] second) =>
        LexicographicallyLarger(first, second)
            ? HandshakeCrypto.Concat(OrderedPrefix, first, second)
            : HandshakeCrypto.Concat(OrderedPrefix, second, first);

    /// <summary>transcript_ir: the initiator's share and associated data first.</summary>
    public static byte[] TranscriptInitiatorResponder(byte[] ya, byte[] ada, byte[] yb, byte[] adb) =>
        HandshakeCrypto.Concat(LengthValueConcat(ya, ada), LengthValueConcat(yb, adb));

    /// <summary>transcript_oc, for the symmetric setting without fixed roles.</summary>
    public static byte[] TranscriptOrdered(byte[] ya, byte[] ada, byte[] yb, byte[] adb) =>
        OrderedConcat(LengthValueConcat(ya, ada), LengthValueConcat(yb, adb));

    /// <summary>sid_output = H(b"CPaceSidOutput" || transcript), for runs started without a sid.</summary>
    public static byte[] SessionIdOutput(ReadOnlySpan<byte> transcript) =>
        SHA512.HashData(HandshakeCrypto.Concat(SidOutputPrefix, transcript.ToArray()));

    public byte[] GeneratorString(ReadOnlySpan<byte> prs, ReadOnlySpan<byte> ci, ReadOnlySpan<byte> sid) =>
        GeneratorString(Group.DomainSeparator, prs, ci, sid, HashBlockSize);

    /// <summary>G.calculate_generator(H, PRS, CI, sid): the password-dependent generator, encoded.</summary>
    public byte[] CalculateGenerator(ReadOnlySpan<byte> prs, ReadOnlySpan<byte> ci, ReadOnlySpan<byte> sid)
    {
        var hash = SHA512.HashData(GeneratorString(prs, ci, sid));
        return Group.ElementFromHash(hash.AsSpan(0, Group.ElementDerivationInputSize));
    }

    public byte[] SampleScalar() => Group.SampleScalar();

    /// <summary>Y = G.scalar_mult(y, g), the public share sent to the peer.</summary>
    /// <exception cref="ArgumentException">The scalar is zero modulo the group order (a broken fixed input).</exception>
    public byte[] Share(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> generator)
    {
        RequireScalar(scalar);
        var share = Group.ScalarMultVerified(scalar, generator);
        return IsIdentity(share)
            ? throw new ArgumentException("the CPace scalar or generator yields the neutral element", nameof(scalar))
            : share;
    }

    /// <summary>K = G.scalar_mult_vfy(y, Y_peer), or null where the draft says abort: the peer's share is not a
    /// valid element or K is the neutral element.</summary>
    public byte[]? SharedPoint(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> peerShare)
    {
        RequireScalar(scalar);
        var k = Group.ScalarMultVerified(scalar, peerShare);
        return IsIdentity(k) ? null : k;
    }

    /// <summary>ISK = H(lv_cat(G.DSI || b"_ISK", sid, K) || transcript).</summary>
    public byte[] IntermediateSessionKey(ReadOnlySpan<byte> sid, ReadOnlySpan<byte> k, ReadOnlySpan<byte> transcript)
    {
        var prefix = LengthValueConcat(HandshakeCrypto.Concat(Group.DomainSeparator.ToArray(), IskSuffix), sid.ToArray(), k.ToArray());
        return SHA512.HashData(HandshakeCrypto.Concat(prefix, transcript.ToArray()));
    }

    public bool IsIdentity(ReadOnlySpan<byte> element) => element.SequenceEqual(Group.Identity);

    private void RequireScalar(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != Group.ScalarSize)
        {
            throw new ArgumentException($"CPace scalar must be {Group.ScalarSize} bytes, got {scalar.Length}", nameof(scalar));
        }
    }
}
