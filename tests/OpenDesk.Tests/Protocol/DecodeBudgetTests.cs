using OpenDesk.Protocol;

namespace OpenDesk.Tests.Protocol;

/// <summary>Decoding untrusted msgpack costs at most a small constant times the message size.</summary>
public sealed class DecodeBudgetTests
{
    [Fact]
    public void A_large_array_of_small_integers_decodes_within_the_budget()
    {
        const int count = 1_000_000;
        var message = new byte[count + 5];
        message[0] = 0xdd;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), count);
        for (var i = 0; i < count; i++)
        {
            message[5 + i] = (byte)(i % 100);
        }

        var list = Assert.IsType<List<object?>>(MsgPackReader.ReadSingle(message));
        Assert.Equal(count, list.Count);
        Assert.Equal(42L, list[42]);
    }

    [Fact]
    public void An_array_of_empty_collections_that_would_cost_far_more_than_its_size_is_refused()
    {
        // Each 0x90 (one byte) would become a list object and a slot: about 64 bytes of tree per byte of input.
        const int count = 200_000;
        var message = new byte[count + 5];
        message[0] = 0xdd;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), count);
        message.AsSpan(5).Fill(0x90);

        var error = Assert.Throws<ProtocolException>(() => MsgPackReader.ReadSingle(message));
        Assert.Equal(ErrorCodes.Protocol, error.Code);
        Assert.Contains("would cost more than 16 times its", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Protocol_keys_and_small_scalars_decode_to_shared_instances()
    {
        var first = (MsgMap)MsgPackReader.ReadSingle(Convert.FromHexString("82a66d6574686f6401a474797065c3"))!;
        var second = (MsgMap)MsgPackReader.ReadSingle(Convert.FromHexString("82a66d6574686f6401a474797065c3"))!;
        Assert.Same(first.Keys.First(), second.Keys.First());
        Assert.Same(first["method"], second["method"]);
        Assert.Same(first["type"], second["type"]);
        Assert.Equal(1L, first["method"]);
        Assert.Equal(true, first["type"]);
    }
}
