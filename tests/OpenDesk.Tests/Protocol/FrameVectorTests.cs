using System.Text.Json;
using OpenDesk.Protocol;

namespace OpenDesk.Tests.Protocol;

public class FrameVectorTests
{
    public static TheoryData<string> FrameCases() => Indexes("frames.json");

    public static TheoryData<string> TolerantCases() => Indexes("frames-tolerant.json");

    public static TheoryData<string> MalformedFrameCases() => Indexes("malformed.json", e => e.GetProperty("decoder").GetString() == "frame");

    [Theory]
    [MemberData(nameof(FrameCases))]
    public void Frame_vector_encodes_and_decodes_byte_for_byte(string index)
    {
        var entry = Entry("frames.json", index);
        var expected = entry.GetProperty("msgpack_hex").GetString()!;
        var tree = VectorFiles.ToTree(entry.GetProperty("object"));

        Assert.Equal(expected, VectorFiles.ToHex(VectorFiles.EncodeTree(tree)));
        var frame = FrameCodec.Decode(VectorFiles.Hex(expected));
        Assert.Equal(expected, VectorFiles.ToHex(FrameCodec.Encode(frame)));
    }

    [Theory]
    [MemberData(nameof(TolerantCases))]
    public void Tolerant_input_decodes_to_the_stated_frame(string index)
    {
        var entry = Entry("frames-tolerant.json", index);
        var frame = FrameCodec.Decode(VectorFiles.Hex(entry.GetProperty("msgpack_hex").GetString()!));
        var expected = VectorFiles.EncodeTree(VectorFiles.ToTree(entry.GetProperty("decoded")));

        Assert.Equal(VectorFiles.ToHex(expected), VectorFiles.ToHex(FrameCodec.Encode(frame)));
    }

    [Theory]
    [MemberData(nameof(MalformedFrameCases))]
    public void Malformed_frame_is_rejected_with_the_protocol_error(string index)
    {
        var entry = Entry("malformed.json", index);
        var bytes = VectorFiles.Hex(entry.GetProperty("hex").GetString()!);

        var ex = Assert.Throws<ProtocolException>(() => FrameCodec.Decode(bytes));
        Assert.Equal(ErrorCodes.Protocol, ex.Code);
    }

    [Fact]
    public void A_bin32_header_claiming_4_GiB_is_refused_without_allocating_it()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() => FrameCodec.Decode(VectorFiles.Hex("83a474797065a3726573a2696401a6726573756c74c6ffffffff00")));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Random_garbage_never_escapes_as_anything_but_the_protocol_error()
    {
        var random = new Random(1234);
        var seed = VectorFiles.Hex("87a17601a474797065a3726573a2696401a373657100a3656e64c3a6726573756c7482a178cb4049000000000000a179cb404e000000000000a56572726f72c0");
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])seed.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var cut = random.Next(4) == 0 ? random.Next(bytes.Length) : bytes.Length;
            try
            {
                FrameCodec.Decode(bytes.AsSpan(0, cut));
            }
            catch (ProtocolException ex)
            {
                Assert.Equal(ErrorCodes.Protocol, ex.Code);
            }
        }
    }

    internal static TheoryData<string> Indexes(string file, Func<JsonElement, bool>? filter = null)
    {
        var data = new TheoryData<string>();
        using var doc = VectorFiles.Load(file);
        var i = 0;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            if (filter is null || filter(entry))
            {
                var label = entry.TryGetProperty("description", out var d) ? d.GetString() : entry.GetProperty("reason").GetString();
                data.Add($"{i}: {label}");
            }

            i++;
        }

        return data;
    }

    internal static JsonElement Entry(string file, string index)
    {
        using var doc = VectorFiles.Load(file);
        var i = int.Parse(index[..index.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        return doc.RootElement[i].Clone();
    }
}
