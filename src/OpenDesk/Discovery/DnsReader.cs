using System.Buffers.Binary;
using System.Text;

namespace OpenDesk.Discovery;

/// <summary>
/// Reads untrusted DNS wire data. Every read is bounds-checked and reports problems as <see cref="DnsFormatException"/>;
/// compression pointers must point strictly backwards, so a pointer loop cannot make a name read run forever.
/// </summary>
internal ref struct DnsReader
{
    private readonly ReadOnlySpan<byte> _data;

    public DnsReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        Position = 0;
    }

    public int Position { get; set; }

    public readonly int Remaining => _data.Length - Position;

    public byte ReadByte()
    {
        Require(1);
        return _data[Position++];
    }

    public ushort ReadUInt16()
    {
        Require(2);
        ushort value = BinaryPrimitives.ReadUInt16BigEndian(_data[Position..]);
        Position += 2;
        return value;
    }

    public uint ReadUInt32()
    {
        Require(4);
        uint value = BinaryPrimitives.ReadUInt32BigEndian(_data[Position..]);
        Position += 4;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Require(count);
        ReadOnlySpan<byte> bytes = _data.Slice(Position, count);
        Position += count;
        return bytes;
    }

    public DnsName ReadName()
    {
        var labels = new List<string>();
        int cursor = Position;
        // Every pointer must land before the start of the run of labels it ends, so the walk strictly descends.
        int runStart = cursor;
        int resumeAt = -1;
        int wireLength = 1;
        while (true)
        {
            if (cursor >= _data.Length)
            {
                throw new DnsFormatException($"name runs past the end of the message at offset {cursor}");
            }

            byte length = _data[cursor];
            switch (length & 0xC0)
            {
                case 0xC0:
                    if (cursor + 1 >= _data.Length)
                    {
                        throw new DnsFormatException($"compression pointer cut off at offset {cursor}");
                    }

                    int target = ((length & 0x3F) << 8) | _data[cursor + 1];
                    if (target >= runStart)
                    {
                        throw new DnsFormatException($"compression pointer at offset {cursor} does not point backwards (to {target})");
                    }

                    if (resumeAt < 0)
                    {
                        resumeAt = cursor + 2;
                    }

                    cursor = target;
                    runStart = target;
                    continue;
                case 0x00:
                    break;
                default:
                    throw new DnsFormatException($"unsupported label type 0x{length & 0xC0:x2} at offset {cursor}");
            }

            if (length == 0)
            {
                cursor++;
                break;
            }

            wireLength += length + 1;
            if (wireLength > DnsName.MaxNameBytes)
            {
                throw new DnsFormatException($"name longer than {DnsName.MaxNameBytes} bytes");
            }

            if (cursor + 1 + length > _data.Length)
            {
                throw new DnsFormatException($"label runs past the end of the message at offset {cursor}");
            }

            labels.Add(Encoding.UTF8.GetString(_data.Slice(cursor + 1, length)));
            cursor += 1 + length;
        }

        Position = resumeAt >= 0 ? resumeAt : cursor;
        try
        {
            return new DnsName(labels);
        }
        catch (ArgumentException e)
        {
            // Invalid UTF-8 decodes to U+FFFD, which can push a 63-byte label past the limit on re-encoding.
            throw new DnsFormatException($"unusable name: {e.Message}");
        }
    }

    private readonly void Require(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new DnsFormatException($"message truncated: needed {count} bytes at offset {Position}, {Remaining} left");
        }
    }
}
