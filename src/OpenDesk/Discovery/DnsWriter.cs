using System.Buffers.Binary;
using System.Text;

namespace OpenDesk.Discovery;

/// <summary>Serialises a DNS message, compressing repeated name suffixes (RFC 1035 §4.1.4).</summary>
internal sealed class DnsWriter
{
    // Pointers hold 14 bits of offset; suffixes starting later cannot be referenced.
    private const int MaxPointerOffset = 0x3FFF;

    private readonly Dictionary<string, int> _suffixOffsets = new(StringComparer.Ordinal);
    private byte[] _buffer = new byte[512];
    private int _length;

    public int Length => _length;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteName(DnsName name, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        IReadOnlyList<string> labels = name.Labels;
        for (int i = 0; i < labels.Count; i++)
        {
            // Keyed by the exact labels, so a pointer never changes the case or label split a reader sees.
            string suffix = string.Join('\0', labels.Skip(i));
            if (compress && _suffixOffsets.TryGetValue(suffix, out int offset))
            {
                WriteUInt16((ushort)(0xC000 | offset));
                return;
            }

            if (_length <= MaxPointerOffset)
            {
                _suffixOffsets.TryAdd(suffix, _length);
            }

            byte[] label = Encoding.UTF8.GetBytes(labels[i]);
            WriteByte((byte)label.Length);
            WriteBytes(label);
        }

        WriteByte(0);
    }

    /// <summary>Writes a placeholder for a length known only later; <see cref="PatchUInt16"/> fills it in.</summary>
    public int ReserveUInt16()
    {
        int at = _length;
        WriteUInt16(0);
        return at;
    }

    public void PatchUInt16(int at, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(at), value);

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }
}
