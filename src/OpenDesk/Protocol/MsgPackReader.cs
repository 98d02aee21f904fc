using System.Buffers.Binary;
using System.Text;

namespace OpenDesk.Protocol;

/// <summary>
/// Decodes one untrusted msgpack value into the tree model of <see cref="MsgMap"/>. Every failure is a
/// <see cref="ProtocolException"/> with code <c>protocol</c> (spec §2.6): truncation, trailing bytes,
/// non-string or duplicate map keys, invalid UTF-8, extension types, nesting deeper than
/// <see cref="MaxDepth"/>, and declared lengths larger than the input, which are checked before
/// anything is allocated.
/// </summary>
internal ref struct MsgPackReader
{
    /// <summary>Deeper than any legitimate frame (UIElement trees are bounded well below this).</summary>
    public const int MaxDepth = 96;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    private MsgPackReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Decodes exactly one value that must span the whole input.</summary>
    public static object? ReadSingle(ReadOnlySpan<byte> data)
    {
        var reader = new MsgPackReader(data);
        var value = reader.ReadValue(0);
        if (reader._position != data.Length)
        {
            throw ProtocolException.Malformed($"{data.Length - reader._position} trailing bytes after the msgpack value");
        }

        return value;
    }

    private object? ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw ProtocolException.Malformed($"msgpack nesting deeper than {MaxDepth}");
        }

        var code = ReadByte();
        switch (code)
        {
            case <= 0x7f: return (long)code;
            case >= 0xe0: return (long)unchecked((sbyte)code);
            case >= 0x80 and <= 0x8f: return ReadMap(code & 0x0f, depth);
            case >= 0x90 and <= 0x9f: return ReadArray(code & 0x0f, depth);
            case >= 0xa0 and <= 0xbf: return ReadString(code & 0x1f);
            case 0xc0: return null;
            case 0xc2: return false;
            case 0xc3: return true;
            case 0xc4: return ReadBytes(ReadByte());
            case 0xc5: return ReadBytes(ReadUInt16());
            case 0xc6: return ReadBytes(ReadLength32());
            case 0xca: return (double)BinaryPrimitives.ReadSingleBigEndian(Take(4));
            case 0xcb: return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            case 0xcc: return (long)ReadByte();
            case 0xcd: return (long)ReadUInt16();
            case 0xce: return (long)BinaryPrimitives.ReadUInt32BigEndian(Take(4));
            case 0xcf:
                var u64 = BinaryPrimitives.ReadUInt64BigEndian(Take(8));
                return u64 <= long.MaxValue ? (long)u64 : u64;
            case 0xd0: return (long)unchecked((sbyte)ReadByte());
            case 0xd1: return (long)BinaryPrimitives.ReadInt16BigEndian(Take(2));
            case 0xd2: return (long)BinaryPrimitives.ReadInt32BigEndian(Take(4));
            case 0xd3: return BinaryPrimitives.ReadInt64BigEndian(Take(8));
            case 0xd4: return ReadFixExt1();
            case 0xd9: return ReadString(ReadByte());
            case 0xda: return ReadString(ReadUInt16());
            case 0xdb: return ReadString(ReadLength32());
            case 0xdc: return ReadArray(ReadUInt16(), depth);
            case 0xdd: return ReadArray(ReadLength32(), depth);
            case 0xde: return ReadMap(ReadUInt16(), depth);
            case 0xdf: return ReadMap(ReadLength32(), depth);
            case 0xc1: throw ProtocolException.Malformed("reserved msgpack byte 0xc1");
            default: throw ProtocolException.Malformed($"msgpack extension type (0x{code:x2}) is not allowed");
        }
    }

    private object? ReadFixExt1()
    {
        // msgpackr encodes JavaScript `undefined` as fixext1 type 0 data 0 (spec §2.5); it means nil.
        var payload = Take(2);
        if (payload[0] == 0 && payload[1] == 0)
        {
            return null;
        }

        throw ProtocolException.Malformed($"msgpack extension type {unchecked((sbyte)payload[0])} is not allowed");
    }

    private MsgMap ReadMap(int count, int depth)
    {
        // Each entry needs at least two bytes, so a count beyond that is a lie told to make us allocate.
        EnsureRemaining((long)count * 2, "map");
        var map = new MsgMap(count);
        for (var i = 0; i < count; i++)
        {
            var keyCode = PeekByte();
            string key;
            if (keyCode is >= 0xa0 and <= 0xbf or 0xd9 or 0xda or 0xdb)
            {
                key = (string)ReadValue(depth + 1)!;
            }
            else
            {
                throw ProtocolException.Malformed($"msgpack map key is not a string (0x{keyCode:x2})");
            }

            var value = ReadValue(depth + 1);
            if (!map.TryAdd(key, value))
            {
                throw ProtocolException.Malformed($"duplicate map key {PyRepr.Format(key)}");
            }
        }

        return map;
    }

    private List<object?> ReadArray(int count, int depth)
    {
        EnsureRemaining(count, "array");
        var list = new List<object?>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadValue(depth + 1));
        }

        return list;
    }

    private string ReadString(int length)
    {
        var bytes = Take(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw ProtocolException.Malformed("invalid UTF-8 in msgpack str", ex);
        }
    }

    private byte[] ReadBytes(int length) => Take(length).ToArray();

    private int ReadLength32()
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        if (length > int.MaxValue)
        {
            throw ProtocolException.Malformed($"msgpack length {length} exceeds the message");
        }

        return (int)length;
    }

    private ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    private byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            throw ProtocolException.Malformed("truncated msgpack");
        }

        return _data[_position++];
    }

    private readonly byte PeekByte()
    {
        if (_position >= _data.Length)
        {
            throw ProtocolException.Malformed("truncated msgpack");
        }

        return _data[_position];
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _data.Length - _position)
        {
            throw ProtocolException.Malformed($"truncated msgpack: {length} bytes declared, {_data.Length - _position} left");
        }

        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }

    private readonly void EnsureRemaining(long minimumBytes, string what)
    {
        if (minimumBytes > _data.Length - _position)
        {
            throw ProtocolException.Malformed($"truncated msgpack: {what} declares more entries than the message holds");
        }
    }
}
