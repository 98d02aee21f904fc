using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace OpenDesk.Protocol;

/// <summary>
/// Minimal msgpack encoder with the exact format choices of msgpack-python (spec §2.1): smallest int
/// format with unsigned formats for non-negative values, float64 for every float, str for text and
/// bin for bytes.
/// </summary>
public sealed class MsgPackWriter
{
    private readonly IBufferWriter<byte> _output;

    public MsgPackWriter(IBufferWriter<byte> output) => _output = output;

    public void WriteNil() => WriteByte(0xc0);

    public void WriteBool(bool value) => WriteByte(value ? (byte)0xc3 : (byte)0xc2);

    public void WriteInt(long value)
    {
        if (value >= 0)
        {
            WriteUInt((ulong)value);
            return;
        }

        if (value >= -32)
        {
            WriteByte(unchecked((byte)(sbyte)value));
        }
        else if (value >= sbyte.MinValue)
        {
            var span = _output.GetSpan(2);
            span[0] = 0xd0;
            span[1] = unchecked((byte)(sbyte)value);
            _output.Advance(2);
        }
        else if (value >= short.MinValue)
        {
            var span = _output.GetSpan(3);
            span[0] = 0xd1;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            _output.Advance(3);
        }
        else if (value >= int.MinValue)
        {
            var span = _output.GetSpan(5);
            span[0] = 0xd2;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            _output.Advance(5);
        }
        else
        {
            var span = _output.GetSpan(9);
            span[0] = 0xd3;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            _output.Advance(9);
        }
    }

    public void WriteUInt(ulong value)
    {
        if (value <= 0x7f)
        {
            WriteByte((byte)value);
        }
        else if (value <= byte.MaxValue)
        {
            var span = _output.GetSpan(2);
            span[0] = 0xcc;
            span[1] = (byte)value;
            _output.Advance(2);
        }
        else if (value <= ushort.MaxValue)
        {
            var span = _output.GetSpan(3);
            span[0] = 0xcd;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            _output.Advance(3);
        }
        else if (value <= uint.MaxValue)
        {
            var span = _output.GetSpan(5);
            span[0] = 0xce;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            _output.Advance(5);
        }
        else
        {
            var span = _output.GetSpan(9);
            span[0] = 0xcf;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            _output.Advance(9);
        }
    }

    public void WriteDouble(double value)
    {
        var span = _output.GetSpan(9);
        span[0] = 0xcb;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        _output.Advance(9);
    }

    public void WriteString(string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteLengthHeader(byteCount, fixMask: 0xa0, fixLimit: 31, code8: 0xd9, code16: 0xda, code32: 0xdb);
        var span = _output.GetSpan(byteCount);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(byteCount);
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteLengthHeader(value.Length, fixMask: 0, fixLimit: -1, code8: 0xc4, code16: 0xc5, code32: 0xc6);
        _output.Write(value);
    }

    public void WriteArrayHeader(int count) =>
        WriteLengthHeader(count, fixMask: 0x90, fixLimit: 15, code8: 0, code16: 0xdc, code32: 0xdd);

    public void WriteMapHeader(int count) =>
        WriteLengthHeader(count, fixMask: 0x80, fixLimit: 15, code8: 0, code16: 0xde, code32: 0xdf);

    /// <summary>Writes a value of the tree model (see <see cref="MsgMap"/>) or a common CLR equivalent.</summary>
    public void WriteValue(object? value)
    {
        switch (value)
        {
            case null: WriteNil(); break;
            case bool b: WriteBool(b); break;
            case string s: WriteString(s); break;
            case byte[] bytes: WriteBinary(bytes); break;
            case ReadOnlyMemory<byte> memory: WriteBinary(memory.Span); break;
            case Memory<byte> memory: WriteBinary(memory.Span); break;
            case long l: WriteInt(l); break;
            case int i: WriteInt(i); break;
            case ulong ul: WriteUInt(ul); break;
            case uint ui: WriteUInt(ui); break;
            case short sh: WriteInt(sh); break;
            case ushort us: WriteUInt(us); break;
            case byte by: WriteUInt(by); break;
            case sbyte sb: WriteInt(sb); break;
            case double d: WriteDouble(d); break;
            case float f: WriteDouble(f); break;
            case decimal m: WriteDouble((double)m); break;
            case Enum e: WriteString(e.ToString()); break;
            case IWireValue wire: wire.WriteTo(this); break;
            case IReadOnlyDictionary<string, object?> map:
                WriteMapHeader(map.Count);
                foreach (var (key, item) in map)
                {
                    WriteString(key);
                    WriteValue(item);
                }

                break;
            case IReadOnlyDictionary<string, string> stringMap:
                WriteMapHeader(stringMap.Count);
                foreach (var (key, item) in stringMap)
                {
                    WriteString(key);
                    WriteString(item);
                }

                break;
            case System.Collections.IList list:
                WriteArrayHeader(list.Count);
                foreach (var item in list)
                {
                    WriteValue(item);
                }

                break;
            default:
                throw new ArgumentException($"cannot encode a value of type {value.GetType().Name} as msgpack", nameof(value));
        }
    }

    private void WriteByte(byte value)
    {
        var span = _output.GetSpan(1);
        span[0] = value;
        _output.Advance(1);
    }

    private void WriteLengthHeader(int length, byte fixMask, int fixLimit, byte code8, byte code16, byte code32)
    {
        if (length <= fixLimit)
        {
            WriteByte((byte)(fixMask | length));
        }
        else if (code8 != 0 && length <= byte.MaxValue)
        {
            var span = _output.GetSpan(2);
            span[0] = code8;
            span[1] = (byte)length;
            _output.Advance(2);
        }
        else if (length <= ushort.MaxValue)
        {
            var span = _output.GetSpan(3);
            span[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            _output.Advance(3);
        }
        else
        {
            var span = _output.GetSpan(5);
            span[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            _output.Advance(5);
        }
    }
}

/// <summary>A typed value that knows its own exact wire map (spec §17 value types).</summary>
internal interface IWireValue
{
    void WriteTo(MsgPackWriter writer);
}
