using System.Net;
using System.Text;

namespace OpenDesk.Discovery;

/// <summary>What an opendesk server advertises over mDNS (spec §23): its instance name, port, key and description.</summary>
public sealed class MdnsServiceInfo
{
    /// <summary>Spec §23: the <c>desc</c> TXT value is cut to this many UTF-8 bytes.</summary>
    public const int MaxDescriptionBytes = 120;

    private const int PublicKeyLength = 32;
    private const string HostNameFallback = "opendesk";

    private readonly byte[] _publicKey;

    /// <param name="instanceName">The DNS-SD instance label; 1 to 63 UTF-8 bytes.</param>
    /// <param name="port">The bound WebSocket port.</param>
    /// <param name="publicKey">The server's 32-byte static public key.</param>
    /// <param name="description">The machine description; cut for the TXT record by <see cref="TruncateDescription"/>.</param>
    public MdnsServiceInfo(string instanceName, int port, byte[] publicKey, string description)
    {
        ArgumentNullException.ThrowIfNull(instanceName);
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(description);
        int nameBytes = Encoding.UTF8.GetByteCount(instanceName);
        if (nameBytes is 0 or > DnsName.MaxLabelBytes)
        {
            throw new ArgumentException($"mDNS instance name must be 1 to {DnsName.MaxLabelBytes} UTF-8 bytes: got {nameBytes}", nameof(instanceName));
        }

        if (port is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "must be a bound TCP port (1-65535)");
        }

        if (publicKey.Length != PublicKeyLength)
        {
            throw new ArgumentException($"public key must be {PublicKeyLength} bytes: got {publicKey.Length}", nameof(publicKey));
        }

        InstanceName = instanceName;
        Port = port;
        _publicKey = (byte[])publicKey.Clone();
        Fingerprint = Trust.Fingerprint.Colon(publicKey);
        Description = description;
    }

    public string InstanceName { get; }

    public int Port { get; }

    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>The colon fingerprint (spec §3.3) published as TXT <c>fp</c>.</summary>
    public string Fingerprint { get; }

    public string Description { get; }

    /// <summary>Spec §3.4: <c>{hostname}-{first 6 hex of the public key}</c>, using this machine's host name.</summary>
    public static string DefaultInstanceName(ReadOnlySpan<byte> publicKey) => DefaultInstanceName(Dns.GetHostName(), publicKey);

    /// <summary>
    /// Spec §3.4 for a given host name. The host name is cut on a character boundary so the whole name fits one DNS
    /// label (63 bytes); an empty host name becomes <c>opendesk</c> rather than leaving a name that starts with "-".
    /// </summary>
    public static string DefaultInstanceName(string hostName, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        if (publicKey.Length < 3)
        {
            throw new ArgumentException($"public key must have at least 3 bytes: got {publicKey.Length}", nameof(publicKey));
        }

        string suffix = "-" + Convert.ToHexStringLower(publicKey[..3]);
        string host = hostName.Length == 0 ? HostNameFallback : hostName;
        return Encoding.UTF8.GetString(CutUtf8(host, DnsName.MaxLabelBytes - suffix.Length)) + suffix;
    }

    /// <summary>Spec §23: the description as UTF-8, cut to at most 120 bytes without splitting a character.</summary>
    public static byte[] TruncateDescription(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        return CutUtf8(description, MaxDescriptionBytes);
    }

    /// <summary>The TXT properties in upstream's order: <c>v</c>, <c>pk</c>, <c>fp</c>, then <c>desc</c> when non-empty.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> TxtProperties()
    {
        var properties = new List<KeyValuePair<string, byte[]>>
        {
            new("v", "1"u8.ToArray()),
            new("pk", (byte[])_publicKey.Clone()),
            new("fp", Encoding.ASCII.GetBytes(Fingerprint)),
        };
        byte[] description = TruncateDescription(Description);
        if (description.Length > 0)
        {
            properties.Add(new("desc", description));
        }

        return properties;
    }

    private static byte[] CutUtf8(string text, int maxBytes)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length <= maxBytes)
        {
            return bytes;
        }

        // Back off over continuation bytes (10xxxxxx) so the cut lands on the first byte of a character.
        int cut = maxBytes;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return bytes[..cut];
    }
}
