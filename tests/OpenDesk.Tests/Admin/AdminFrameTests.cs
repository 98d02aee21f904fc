using System.Buffers.Binary;
using OpenDesk.Protocol;
using OpenDesk.Server;
using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Admin;

public class AdminFrameTests
{
    public static TheoryData<int, string> Frames()
    {
        using var doc = VectorFiles.Load("admin.json");
        var data = new TheoryData<int, string>();
        var i = 0;
        foreach (var frame in doc.RootElement.GetProperty("frames").EnumerateArray())
        {
            data.Add(i++, frame.GetProperty("description").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Vector_object_encodes_to_frame_hex(int index, string description)
    {
        var (tree, frameHex) = Vector(index);

        Assert.True(frameHex == VectorFiles.ToHex(AdminFrame.Encode(Assert.IsType<MsgMap>(tree))), description);
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Vector_frame_hex_decodes_to_object(int index, string description)
    {
        var (tree, frameHex) = Vector(index);

        TreeAssert.Equal(tree, AdminFrame.Decode(VectorFiles.Hex(frameHex)), description);
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public async Task Vector_frame_reads_from_a_stream(int index, string description)
    {
        var (tree, frameHex) = Vector(index);
        using var stream = new MemoryStream(VectorFiles.Hex(frameHex));

        TreeAssert.Equal(tree, await AdminFrame.ReadAsync(stream, CancellationToken.None), description);
    }

    [Fact]
    public void Session_map_has_the_spec_key_order_and_float_times()
    {
        var session = new SessionInfo(
            "3fa2c1d0",
            "laptop",
            "f461445639c002c037b54f7576bead7f2afe9a3af518bfd7370230d38982367e",
            "192.168.1.20:51544",
            1710000000.5,
            SessionInfo.ServeMode);
        var reply = new MsgMap { ["ok"] = true, ["sessions"] = new List<object?> { AdminFrame.SessionMap(session, 1710000012.75) } };

        var (_, expected) = Vector(3);
        Assert.Equal(expected, VectorFiles.ToHex(AdminFrame.Encode(reply)));
    }

    [Fact]
    public void Session_age_is_never_negative_when_clocks_disagree()
    {
        var session = new SessionInfo("a", "b", new string('0', 64), "?", 100.0, SessionInfo.PairMode);

        Assert.Equal(0.0, AdminFrame.SessionMap(session, 99.0)["age_seconds"]);
    }

    [Fact]
    public async Task An_oversize_length_prefix_is_refused_before_the_body_is_read_or_allocated()
    {
        using var stream = new MemoryStream([0xff, 0xff, 0xff, 0xff, 0x81]);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminFrame.ReadAsync(stream, CancellationToken.None));

        Assert.Equal("admin frame too large", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal(4, stream.Position);
    }

    [Fact]
    public async Task A_body_of_exactly_one_MiB_is_accepted_and_one_byte_more_is_not()
    {
        var frame = new byte[4 + AdminFrame.MaxFrameLength];
        BinaryPrimitives.WriteUInt32BigEndian(frame, AdminFrame.MaxFrameLength);
        frame[4] = 0xc6; // bin32 whose payload fills the rest of the body
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), AdminFrame.MaxFrameLength - 5);
        using var stream = new MemoryStream(frame);

        Assert.Equal(AdminFrame.MaxFrameLength - 5, Assert.IsType<byte[]>(await AdminFrame.ReadAsync(stream, CancellationToken.None)).Length);

        var over = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(over, AdminFrame.MaxFrameLength + 1);
        var ex = Assert.Throws<OpenDeskException>(() => AdminFrame.Decode(over));
        Assert.Equal("admin frame too large", ex.Message);
    }

    [Fact]
    public async Task A_truncated_frame_is_end_of_stream_and_bad_msgpack_is_a_protocol_error()
    {
        using var truncated = new MemoryStream(VectorFiles.Hex("0000000981a26f70"));
        await Assert.ThrowsAsync<EndOfStreamException>(() => AdminFrame.ReadAsync(truncated, CancellationToken.None));

        using var garbage = new MemoryStream(VectorFiles.Hex("00000001c1"));
        await Assert.ThrowsAsync<ProtocolException>(() => AdminFrame.ReadAsync(garbage, CancellationToken.None));

        Assert.Throws<ProtocolException>(() => AdminFrame.Decode(VectorFiles.Hex("0000000a81a26f70a46c697374")));
    }

    private static (object? Tree, string FrameHex) Vector(int index)
    {
        using var doc = VectorFiles.Load("admin.json");
        var entry = doc.RootElement.GetProperty("frames")[index];
        return (VectorFiles.ToTree(entry.GetProperty("object")), entry.GetProperty("frame_hex").GetString()!);
    }
}
