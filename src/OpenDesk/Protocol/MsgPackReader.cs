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
/// <remarks>
/// The tree costs more memory than the bytes it came from: a one-byte fixint in an array becomes a slot and a
/// boxed long, a tiny map entry a dictionary entry and a key string. Common scalars and the protocol's map keys
/// are therefore shared instances, and every decode runs on a budget of <see cref="CostFactor"/> times the input
/// size (plus a little slack), charged before each allocation, so a hostile message can never cost more than a
/// small constant times its own size.
/// </remarks>
public ref struct MsgPackReader
{
    /// <summary>Deeper than any legitimate frame (UIElement trees are bounded well below this).</summary>
    public const int MaxDepth = 96;

    /// <summary>Estimated bytes of tree a message may cost per byte of input. Legitimate frames stay under half of it.</summary>
    public const int CostFactor = 16;

    private const int CostSlack = 64 * 1024;

    // Estimated sizes of what the tree allocates on 64-bit .NET (object header and method table included).
    private const int BoxCost = 24;
    private const int ObjectCost = 24;
    private const int ListCost = 56;
    private const int ListSlotCost = 8;
    private const int MapCost = 120;
    private const int MapEntryCost = 40;

    // Keys of every frame, value type and admin message (spec §9, §17, §20); decoding them shares one instance.
    private const int MaxSharedKeyBytes = 24;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly object True = true;
    private static readonly object False = false;
    private static readonly object[] SmallIntegers = [.. Enumerable.Range(-32, 32 + 256).Select(i => (object)(long)i)];

    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> SharedKeys =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(
        [
            "v", "type", "kind", "e", "s", "ct", "role", "principal", "auth", "capabilities", "error", "code", "message",
            "details", "id", "method", "stream", "params", "seq", "end", "result", "reason", "topic", "payload", "x", "y",
            "width", "height", "bounds", "scale_factor", "primary", "name", "data", "format", "logical_width",
            "logical_height", "display_id", "captured_at", "title", "app_name", "pid", "focused", "minimized", "workspace",
            "ppid", "cmdline", "value", "enabled", "actions", "children", "metadata", "action", "point", "button",
            "modifiers", "dx", "dy", "pressure", "tilt_x", "tilt_y", "timestamp", "keysym", "char", "scancode",
            "is_repeat", "text", "interval_ms", "mime_type", "entries", "path", "is_dir", "size", "mtime", "mode",
            "returncode", "stdout", "stderr", "duration", "os", "os_version", "hostname", "locale", "timezone",
            "displays", "body", "app", "pixmap", "frame_number", "keyframe", "limits", "protocol_version", "backend",
            "description", "items", "window", "window_id", "region", "downscale", "max_depth", "event", "text_input",
            "element", "contents", "src", "dst", "parents", "command", "timeout", "cwd", "env", "argv", "stdin", "fps",
            "capability", "quality", "cursor", "op", "ok", "sessions", "killed", "peer_name", "peer_pubkey_hex",
            "remote_addr", "started_at", "age_seconds", "port", "open",
        ], StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private long _budget;

    private MsgPackReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _budget = (long)data.Length * CostFactor + CostSlack;
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
            case <= 0x7f: return Integer(code);
            case >= 0xe0: return Integer(unchecked((sbyte)code));
            case >= 0x80 and <= 0x8f: return ReadMap(code & 0x0f, depth);
            case >= 0x90 and <= 0x9f: return ReadArray(code & 0x0f, depth);
            case >= 0xa0 and <= 0xbf: return ReadString(code & 0x1f);
            case 0xc0: return null;
            case 0xc2: return False;
            case 0xc3: return True;
            case 0xc4: return ReadBytes(ReadByte());
            case 0xc5: return ReadBytes(ReadUInt16());
            case 0xc6: return ReadBytes(ReadLength32());
            case 0xca: return Box((double)BinaryPrimitives.ReadSingleBigEndian(Take(4)));
            case 0xcb: return Box(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
            case 0xcc: return Integer(ReadByte());
            case 0xcd: return Integer(ReadUInt16());
            case 0xce: return Integer(BinaryPrimitives.ReadUInt32BigEndian(Take(4)));
            case 0xcf:
                var u64 = BinaryPrimitives.ReadUInt64BigEndian(Take(8));
                return u64 <= long.MaxValue ? Integer((long)u64) : Box(u64);
            case 0xd0: return Integer(unchecked((sbyte)ReadByte()));
            case 0xd1: return Integer(BinaryPrimitives.ReadInt16BigEndian(Take(2)));
            case 0xd2: return Integer(BinaryPrimitives.ReadInt32BigEndian(Take(4)));
            case 0xd3: return Integer(BinaryPrimitives.ReadInt64BigEndian(Take(8)));
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
        Charge(MapCost + ((long)count * MapEntryCost));
        var map = new MsgMap(count);
        for (var i = 0; i < count; i++)
        {
            var keyCode = PeekByte();
            string key;
            if (keyCode is >= 0xa0 and <= 0xbf or 0xd9 or 0xda or 0xdb)
            {
                key = ReadKey();
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
        Charge(ListCost + ((long)count * ListSlotCost));
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
        if (length == 0)
        {
            return string.Empty;
        }

        Charge(ObjectCost + (2L * length));
        return Decode(bytes);
    }

    private string ReadKey()
    {
        var code = ReadByte();
        var length = code switch
        {
            0xd9 => ReadByte(),
            0xda => ReadUInt16(),
            0xdb => ReadLength32(),
            _ => code & 0x1f,
        };
        var bytes = Take(length);
        if (length <= MaxSharedKeyBytes)
        {
            Span<char> chars = stackalloc char[MaxSharedKeyBytes];
            if (System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out _, out var written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done
                && SharedKeys.TryGetValue(chars[..written], out var shared))
            {
                return shared;
            }
        }

        if (length == 0)
        {
            return string.Empty;
        }

        Charge(ObjectCost + (2L * length));
        return Decode(bytes);
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw ProtocolException.Malformed("invalid UTF-8 in msgpack str", ex);
        }
    }

    private byte[] ReadBytes(int length)
    {
        var bytes = Take(length);
        Charge(ObjectCost + (long)length);
        return bytes.ToArray();
    }

    private object Integer(long value)
    {
        if (value is >= -32 and <= 255)
        {
            return SmallIntegers[value + 32];
        }

        Charge(BoxCost);
        return value;
    }

    private object Box<T>(T value)
        where T : struct
    {
        Charge(BoxCost);
        return value;
    }

    private void Charge(long bytes)
    {
        _budget -= bytes;
        if (_budget < 0)
        {
            throw ProtocolException.Malformed(
                $"msgpack value would cost more than {CostFactor} times its {_data.Length}-byte size to decode");
        }
    }

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
