using System.Text;

namespace OpenDesk.Discovery;

/// <summary>
/// A TXT record as its character strings. DNS-SD stores <c>key=value</c> pairs whose values are arbitrary bytes
/// (RFC 6763 §6.3): opendesk's <c>pk</c> is 32 raw bytes, so values are never assumed to be text.
/// </summary>
public sealed class DnsTxtRecord : DnsRecord
{
    /// <summary>A character string is one length byte plus data (RFC 1035 §3.3).</summary>
    public const int MaxStringBytes = 255;

    private readonly byte[][] _strings;

    public DnsTxtRecord(DnsName name, uint ttl, IEnumerable<byte[]> strings, bool cacheFlush = false) : base(name, ttl, cacheFlush)
    {
        ArgumentNullException.ThrowIfNull(strings);
        _strings = [.. strings];
        foreach (byte[] s in _strings)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(strings));
            if (s.Length > MaxStringBytes)
            {
                throw new ArgumentException($"a TXT string must be at most {MaxStringBytes} bytes: got {s.Length}", nameof(strings));
            }
        }
    }

    public override DnsRecordType Type => DnsRecordType.Txt;

    public IReadOnlyList<byte[]> Strings => _strings;

    /// <summary>Size of the record data on the wire.</summary>
    public int DataLength => _strings.Sum(s => s.Length + 1);

    /// <summary>Builds <c>key=value</c> strings in the given order. Keys are ASCII (RFC 6763 §6.4).</summary>
    public static DnsTxtRecord FromProperties(DnsName name, uint ttl, IEnumerable<KeyValuePair<string, byte[]>> properties, bool cacheFlush = false)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var strings = new List<byte[]>();
        foreach ((string key, byte[] value) in properties)
        {
            if (key.Length == 0 || key.Any(c => c is < ' ' or > '~' or '='))
            {
                throw new ArgumentException($"TXT key must be non-empty printable ASCII without '=': got '{key}'", nameof(properties));
            }

            strings.Add([.. Encoding.ASCII.GetBytes(key), (byte)'=', .. value]);
        }

        return new DnsTxtRecord(name, ttl, strings, cacheFlush);
    }

    /// <summary>
    /// The value of the first string whose key matches case-insensitively (RFC 6763 §6.4: later duplicates are
    /// ignored). A key given without <c>=</c> has an empty value.
    /// </summary>
    public bool TryGetValue(string key, out byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (byte[] s in _strings)
        {
            int equals = Array.IndexOf(s, (byte)'=');
            int keyLength = equals < 0 ? s.Length : equals;
            if (keyLength == key.Length && string.Equals(Encoding.ASCII.GetString(s, 0, keyLength), key, StringComparison.OrdinalIgnoreCase))
            {
                value = equals < 0 ? [] : s[(equals + 1)..];
                return true;
            }
        }

        value = [];
        return false;
    }

    public override DnsRecord With(uint ttl, bool cacheFlush) => new DnsTxtRecord(Name, ttl, _strings, cacheFlush);

    public override bool HasSameData(DnsRecord other) =>
        other is DnsTxtRecord txt && txt.Name.Equals(Name) && txt._strings.Length == _strings.Length &&
        txt._strings.Zip(_strings).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second));

    internal override void WriteData(DnsWriter writer)
    {
        // An empty TXT record still carries one empty string (RFC 6763 §6.1).
        if (_strings.Length == 0)
        {
            writer.WriteByte(0);
            return;
        }

        foreach (byte[] s in _strings)
        {
            writer.WriteByte((byte)s.Length);
            writer.WriteBytes(s);
        }
    }
}
