using System.Net;

namespace OpenDesk.Discovery;

/// <summary>
/// A DNS message as mDNS uses it (RFC 6762 §18). Records of types discovery does not use, and records of classes
/// other than IN, are skipped when parsing.
/// </summary>
public sealed class DnsMessage
{
    /// <summary>QR: the message is a response.</summary>
    public const ushort ResponseFlag = 0x8000;

    /// <summary>AA: mDNS responses always claim authority (RFC 6762 §18.4).</summary>
    public const ushort AuthoritativeFlag = 0x0400;

    /// <summary>TC: in an mDNS query, more known answers follow in later packets (RFC 6762 §18.5).</summary>
    public const ushort TruncatedFlag = 0x0200;

    private const ushort ClassIn = 1;
    private const ushort TopBit = 0x8000;
    private const int HeaderLength = 12;

    public ushort Id { get; init; }

    public ushort Flags { get; init; }

    public IReadOnlyList<DnsQuestion> Questions { get; init; } = [];

    public IReadOnlyList<DnsRecord> Answers { get; init; } = [];

    public IReadOnlyList<DnsRecord> Authorities { get; init; } = [];

    public IReadOnlyList<DnsRecord> Additionals { get; init; } = [];

    public bool IsResponse => (Flags & ResponseFlag) != 0;

    /// <summary>Only opcode 0 (standard query) means anything in mDNS (RFC 6762 §18.3).</summary>
    public int Opcode => (Flags >> 11) & 0xF;

    /// <summary>Answers and additionals: where a response carries records worth caching.</summary>
    public IEnumerable<DnsRecord> AnswersAndAdditionals => Answers.Concat(Additionals);

    /// <exception cref="DnsFormatException">The bytes are not a well-formed DNS message.</exception>
    public static DnsMessage Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < HeaderLength)
        {
            throw new DnsFormatException($"message shorter than the {HeaderLength}-byte header: {packet.Length} bytes");
        }

        var reader = new DnsReader(packet);
        ushort id = reader.ReadUInt16();
        ushort flags = reader.ReadUInt16();
        int questionCount = reader.ReadUInt16();
        int answerCount = reader.ReadUInt16();
        int authorityCount = reader.ReadUInt16();
        int additionalCount = reader.ReadUInt16();

        var questions = new List<DnsQuestion>();
        for (int i = 0; i < questionCount; i++)
        {
            DnsName name = reader.ReadName();
            ushort type = reader.ReadUInt16();
            ushort qclass = reader.ReadUInt16();
            if ((qclass & ~TopBit) == ClassIn || (qclass & ~TopBit) == 255)
            {
                questions.Add(new DnsQuestion(name, (DnsRecordType)type, (qclass & TopBit) != 0));
            }
        }

        return new DnsMessage
        {
            Id = id,
            Flags = flags,
            Questions = questions,
            Answers = ReadRecords(ref reader, answerCount),
            Authorities = ReadRecords(ref reader, authorityCount),
            Additionals = ReadRecords(ref reader, additionalCount),
        };
    }

    public byte[] Encode()
    {
        var writer = new DnsWriter();
        writer.WriteUInt16(Id);
        writer.WriteUInt16(Flags);
        writer.WriteUInt16(checked((ushort)Questions.Count));
        writer.WriteUInt16(checked((ushort)Answers.Count));
        writer.WriteUInt16(checked((ushort)Authorities.Count));
        writer.WriteUInt16(checked((ushort)Additionals.Count));
        foreach (DnsQuestion question in Questions)
        {
            writer.WriteName(question.Name);
            writer.WriteUInt16((ushort)question.Type);
            writer.WriteUInt16(question.UnicastResponse ? (ushort)(ClassIn | TopBit) : ClassIn);
        }

        foreach (DnsRecord record in Answers.Concat(Authorities).Concat(Additionals))
        {
            writer.WriteName(record.Name);
            writer.WriteUInt16((ushort)record.Type);
            writer.WriteUInt16(record.CacheFlush ? (ushort)(ClassIn | TopBit) : ClassIn);
            writer.WriteUInt32(record.Ttl);
            int lengthAt = writer.ReserveUInt16();
            int start = writer.Length;
            record.WriteData(writer);
            writer.PatchUInt16(lengthAt, checked((ushort)(writer.Length - start)));
        }

        return writer.ToArray();
    }

    private static List<DnsRecord> ReadRecords(ref DnsReader reader, int count)
    {
        var records = new List<DnsRecord>();
        for (int i = 0; i < count; i++)
        {
            DnsName name = reader.ReadName();
            var type = (DnsRecordType)reader.ReadUInt16();
            ushort rclass = reader.ReadUInt16();
            uint ttl = reader.ReadUInt32();
            int dataLength = reader.ReadUInt16();
            int dataStart = reader.Position;
            if (dataLength > reader.Remaining)
            {
                throw new DnsFormatException($"record data of {dataLength} bytes runs past the end of the message at offset {dataStart}");
            }

            DnsRecord? record = (rclass & ~TopBit) == ClassIn
                ? ReadData(ref reader, name, type, ttl, (rclass & TopBit) != 0, dataLength)
                : null;
            if (record is not null)
            {
                // Names inside the data may use pointers, but their own bytes must stay within the declared length.
                if (reader.Position > dataStart + dataLength)
                {
                    throw new DnsFormatException($"{type} record data overruns its declared length of {dataLength} bytes at offset {dataStart}");
                }

                records.Add(record);
            }

            reader.Position = dataStart + dataLength;
        }

        return records;
    }

    private static DnsRecord? ReadData(ref DnsReader reader, DnsName name, DnsRecordType type, uint ttl, bool cacheFlush, int length)
    {
        switch (type)
        {
            case DnsRecordType.Ptr:
                return new DnsPtrRecord(name, ttl, reader.ReadName(), cacheFlush);
            case DnsRecordType.Srv:
                ushort priority = reader.ReadUInt16();
                ushort weight = reader.ReadUInt16();
                ushort port = reader.ReadUInt16();
                return new DnsSrvRecord(name, ttl, priority, weight, port, reader.ReadName(), cacheFlush);
            case DnsRecordType.A or DnsRecordType.Aaaa:
                int expected = type == DnsRecordType.A ? 4 : 16;
                if (length != expected)
                {
                    throw new DnsFormatException($"{type} record data must be {expected} bytes: got {length}");
                }

                return new DnsAddressRecord(name, ttl, new IPAddress(reader.ReadBytes(length)), cacheFlush);
            case DnsRecordType.Txt:
                var strings = new List<byte[]>();
                int end = reader.Position + length;
                while (reader.Position < end)
                {
                    int stringLength = reader.ReadByte();
                    if (reader.Position + stringLength > end)
                    {
                        throw new DnsFormatException($"TXT string of {stringLength} bytes overruns the record data");
                    }

                    // The single empty string RFC 6763 §6.1 requires for "no data" is not a key.
                    if (stringLength > 0)
                    {
                        strings.Add(reader.ReadBytes(stringLength).ToArray());
                    }
                }

                return new DnsTxtRecord(name, ttl, strings, cacheFlush);
            default:
                return null;
        }
    }
}
