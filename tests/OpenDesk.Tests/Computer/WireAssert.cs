using System.Buffers;
using OpenDesk.Protocol;

namespace OpenDesk.Tests.Computer;

internal static class WireAssert
{
    public static string Hex(object? tree)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new MsgPackWriter(buffer).WriteValue(tree);
        return Convert.ToHexStringLower(buffer.WrittenSpan);
    }

    /// <summary>Encodes and decodes, so tests see exactly what a peer would receive.</summary>
    public static MsgMap RoundTrip(MsgMap map) => (MsgMap)MsgPackReader.ReadSingle(Convert.FromHexString(Hex(map)))!;

    public static MsgMap Map(params (string Key, object? Value)[] entries)
    {
        var map = new MsgMap();
        foreach (var (key, value) in entries)
        {
            map.Add(key, value);
        }

        return map;
    }

    public static ProtocolException Fails(Action decode, string code = ErrorCodes.Protocol)
    {
        var ex = Assert.ThrowsAny<ProtocolException>(decode);
        Assert.Equal(code, ex.Code);
        return ex;
    }
}
