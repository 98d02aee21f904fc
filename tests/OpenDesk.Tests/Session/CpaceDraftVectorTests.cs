using System.Security.Cryptography;
using System.Text.Json;
using OpenDesk.Session.Pake;

namespace OpenDesk.Tests.Session;

/// <summary>
/// CPACE-RISTR255-SHA512 against the draft's own vectors (draft-irtf-cfrg-cpace-21, appendices A and B, as
/// transcribed into docs/protocol/vectors/cpace-ristretto255.json): every step from the generator string to ISK,
/// and the invalid shares the draft requires an implementation to abort on.
/// </summary>
public class CpaceDraftVectorTests
{
    private static readonly Cpace Suite = Cpace.Ristretto255Sha512;

    public static TheoryData<int> PrependLengthCases() => Indexes("prepend_len");

    public static TheoryData<int> LexicographicCases() => Indexes("lexiographically_larger");

    public static TheoryData<int> OrderedConcatCases() => Indexes("o_cat");

    public static TheoryData<int> TranscriptCases() => Indexes("transcript_ir");

    [Theory]
    [MemberData(nameof(PrependLengthCases))]
    public void Prepend_len_matches_the_draft(int index)
    {
        var c = Utility("prepend_len", index);
        Assert.Equal(Str(c, "output_hex"), Hex(Cpace.PrependLength(Bytes(c, "input_hex"))));
    }

    [Fact]
    public void Lv_cat_matches_the_draft()
    {
        var c = Utility("lv_cat", 0);
        var inputs = c.GetProperty("inputs_hex").EnumerateArray().Select(e => VectorFiles.Hex(e.GetString()!)).ToArray();
        Assert.Equal(Str(c, "output_hex"), Hex(Cpace.LengthValueConcat(inputs)));
    }

    [Fact]
    public void Prepend_len_uses_several_leb128_bytes_for_long_strings()
    {
        // Past the draft's 128-byte case: 16384 needs a third length byte (0x80 0x80 0x01).
        var encoded = Cpace.PrependLength(new byte[16384]);
        Assert.Equal("808001", Hex(encoded.AsSpan(0, 3)));
        Assert.Equal(16387, encoded.Length);
    }

    [Theory]
    [MemberData(nameof(LexicographicCases))]
    public void Lexicographic_order_matches_the_draft(int index)
    {
        var c = Utility("lexiographically_larger", index);
        Assert.Equal(c.GetProperty("larger").GetBoolean(), Cpace.LexicographicallyLarger(Bytes(c, "first_hex"), Bytes(c, "second_hex")));
    }

    [Theory]
    [MemberData(nameof(OrderedConcatCases))]
    public void O_cat_matches_the_draft(int index)
    {
        var c = Utility("o_cat", index);
        Assert.Equal(Str(c, "output_hex"), Hex(Cpace.OrderedConcat(Bytes(c, "first_hex"), Bytes(c, "second_hex"))));
    }

    [Theory]
    [MemberData(nameof(TranscriptCases))]
    public void Transcripts_match_the_draft(int index)
    {
        var ir = Utility("transcript_ir", index);
        Assert.Equal(Str(ir, "output_hex"), Hex(Cpace.TranscriptInitiatorResponder(Bytes(ir, "ya_hex"), Bytes(ir, "ada_hex"), Bytes(ir, "yb_hex"), Bytes(ir, "adb_hex"))));
        var oc = Utility("transcript_oc", index);
        Assert.Equal(Str(oc, "output_hex"), Hex(Cpace.TranscriptOrdered(Bytes(oc, "ya_hex"), Bytes(oc, "ada_hex"), Bytes(oc, "yb_hex"), Bytes(oc, "adb_hex"))));
    }

    [Fact]
    public void Generator_derivation_matches_the_draft_step_by_step()
    {
        var v = Ristretto();
        Assert.Equal(Str(v, "dsi_hex"), Hex(Suite.Group.DomainSeparator));

        var generatorString = Suite.GeneratorString(Bytes(v, "prs_hex"), Bytes(v, "ci_hex"), Bytes(v, "sid_hex"));
        Assert.Equal(Str(v, "generator_string_hex"), Hex(generatorString));
        var zeroPadding = generatorString.AsSpan(1 + 17 + 1 + 8 + 1, v.GetProperty("zpad_length").GetInt32());
        Assert.True(zeroPadding.IndexOfAnyExcept((byte)0) < 0);

        var hash = SHA512.HashData(generatorString);
        Assert.Equal(Str(v, "generator_hash_hex"), Hex(hash));
        Assert.Equal(Str(v, "generator_hex"), Hex(Suite.Group.ElementFromHash(hash)));
        Assert.Equal(Str(v, "generator_hex"), Hex(Suite.CalculateGenerator(Bytes(v, "prs_hex"), Bytes(v, "ci_hex"), Bytes(v, "sid_hex"))));
    }

    [Fact]
    public void Shares_and_shared_point_match_the_draft()
    {
        var v = Ristretto();
        var g = Bytes(v, "generator_hex");

        var ya = Suite.Share(Bytes(v, "ya_hex"), g);
        var yb = Suite.Share(Bytes(v, "yb_hex"), g);

        Assert.Equal(Str(v, "Ya_hex"), Hex(ya));
        Assert.Equal(Str(v, "Yb_hex"), Hex(yb));
        Assert.Equal(Str(v, "K_hex"), Hex(Suite.SharedPoint(Bytes(v, "ya_hex"), yb)!));
        Assert.Equal(Str(v, "K_hex"), Hex(Suite.SharedPoint(Bytes(v, "yb_hex"), ya)!));
    }

    [Fact]
    public void Isk_initiator_responder_matches_the_draft()
    {
        var v = Ristretto();
        var ir = v.GetProperty("initiator_responder");
        var transcript = Cpace.TranscriptInitiatorResponder(Bytes(v, "Ya_hex"), Bytes(v, "ada_hex"), Bytes(v, "Yb_hex"), Bytes(v, "adb_hex"));

        Assert.Equal(Str(ir, "transcript_hex"), Hex(transcript));
        Assert.Equal(Str(ir, "isk_input_hex"), Hex(Cpace.LengthValueConcat(Bytes(ir, "dsi_isk_hex"), Bytes(v, "sid_hex"), Bytes(v, "K_hex"))) + Hex(transcript));
        Assert.Equal(Str(ir, "isk_hex"), Hex(Suite.IntermediateSessionKey(Bytes(v, "sid_hex"), Bytes(v, "K_hex"), transcript)));
        Assert.Equal(Str(ir, "sid_output_hex"), Hex(Cpace.SessionIdOutput(transcript)));
    }

    [Fact]
    public void Isk_ordered_concatenation_matches_the_draft()
    {
        var v = Ristretto();
        var oc = v.GetProperty("ordered_concatenation");
        var transcript = Cpace.TranscriptOrdered(Bytes(v, "Ya_hex"), Bytes(v, "ada_hex"), Bytes(v, "Yb_hex"), Bytes(v, "adb_hex"));

        Assert.Equal(Str(oc, "transcript_hex"), Hex(transcript));
        Assert.Equal(Str(oc, "isk_hex"), Hex(Suite.IntermediateSessionKey(Bytes(v, "sid_hex"), Bytes(v, "K_hex"), transcript)));
        Assert.Equal(Str(oc, "sid_output_hex"), Hex(Cpace.SessionIdOutput(transcript)));
    }

    [Fact]
    public void Scalar_mult_of_a_valid_encoding_matches_the_draft()
    {
        var c = Ristretto().GetProperty("scalar_mult_valid");
        Assert.Equal(Str(c, "result_hex"), Hex(Suite.Group.ScalarMultVerified(Bytes(c, "s_hex"), Bytes(c, "X_hex"))));
        Assert.Equal(Str(c, "result_hex"), Hex(Suite.SharedPoint(Bytes(c, "s_hex"), Bytes(c, "X_hex"))!));
    }

    public static TheoryData<string> InvalidPoints()
    {
        var data = new TheoryData<string>();
        foreach (var p in Ristretto().GetProperty("scalar_mult_vfy_invalid").GetProperty("points").EnumerateArray())
        {
            data.Add(Str(p, "name"));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidPoints))]
    public void Scalar_mult_vfy_maps_the_draft_invalid_points_to_the_identity_and_cpace_aborts(string name)
    {
        var c = Ristretto().GetProperty("scalar_mult_vfy_invalid");
        var point = c.GetProperty("points").EnumerateArray().Single(p => Str(p, "name") == name);

        Assert.Equal(Str(c, "identity_hex"), Hex(Suite.Group.ScalarMultVerified(Bytes(c, "s_hex"), Bytes(point, "hex"))));
        Assert.Null(Suite.SharedPoint(Bytes(c, "s_hex"), Bytes(point, "hex")));
    }

    [Fact]
    public void A_share_of_the_wrong_length_is_refused_without_touching_native_memory()
    {
        var s = Bytes(Ristretto().GetProperty("scalar_mult_valid"), "s_hex");
        Assert.Null(Suite.SharedPoint(s, new byte[31]));
        Assert.Null(Suite.SharedPoint(s, new byte[33]));
        Assert.Throws<ArgumentException>(() => Suite.SharedPoint(new byte[31], new byte[32]));
    }

    [Fact]
    public void Sampled_scalars_are_fresh_and_give_valid_shares()
    {
        var g = Bytes(Ristretto(), "generator_hex");
        var first = Suite.SampleScalar();
        var second = Suite.SampleScalar();

        Assert.NotEqual(Hex(first), Hex(second));
        var share = Suite.Share(first, g);
        Assert.True(LibSodium.RistrettoIsValidPoint(share));
        Assert.Equal(Hex(Suite.SharedPoint(first, Suite.Share(second, g))!), Hex(Suite.SharedPoint(second, share)!));
    }

    private static JsonElement Ristretto() => Load().GetProperty("ristretto255_sha512");

    private static JsonElement Utility(string name, int index) => Load().GetProperty("string_utilities").GetProperty(name)[index];

    private static TheoryData<int> Indexes(string name)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Load().GetProperty("string_utilities").GetProperty(name).GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static JsonElement Load()
    {
        using var doc = VectorFiles.Load("cpace-ristretto255.json");
        return doc.RootElement.Clone();
    }

    private static string Str(JsonElement e, string property) => e.GetProperty(property).GetString()!;

    private static byte[] Bytes(JsonElement e, string property) => VectorFiles.Hex(Str(e, property));

    private static string Hex(ReadOnlySpan<byte> bytes) => VectorFiles.ToHex(bytes);
}
