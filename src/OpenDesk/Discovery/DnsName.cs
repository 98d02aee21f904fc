using System.Text;

namespace OpenDesk.Discovery;

/// <summary>
/// A DNS name as its labels. A label may itself contain a dot (DNS-SD instance names may), so the labels are kept
/// rather than a dotted string. Equality compares the dotted text without regard to case: mDNS names are
/// case-insensitive (RFC 6762 §16), and a peer that splits "a.b-9c2f1a" into two labels still names the same thing.
/// </summary>
public sealed class DnsName : IEquatable<DnsName>
{
    /// <summary>Wire limit for one label (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelBytes = 63;

    /// <summary>Wire limit for a whole name, length bytes and the root byte included (RFC 1035 §2.3.4).</summary>
    public const int MaxNameBytes = 255;

    private readonly string[] _labels;

    public DnsName(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _labels = [.. labels];
        int wireLength = 1;
        foreach (string label in _labels)
        {
            ArgumentNullException.ThrowIfNull(label, nameof(labels));
            int bytes = Encoding.UTF8.GetByteCount(label);
            if (bytes is 0 or > MaxLabelBytes)
            {
                throw new ArgumentException($"DNS label must be 1 to {MaxLabelBytes} UTF-8 bytes: got {bytes} in '{label}'", nameof(labels));
            }

            wireLength += bytes + 1;
        }

        if (wireLength > MaxNameBytes)
        {
            throw new ArgumentException($"DNS name must be at most {MaxNameBytes} bytes on the wire: got {wireLength}", nameof(labels));
        }

        Text = string.Join('.', _labels);
    }

    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The dotted form without the trailing root dot, e.g. <c>_opendesk._tcp.local</c>.</summary>
    public string Text { get; }

    /// <summary>Splits a dotted name; a trailing dot is allowed. Labels containing dots need the label constructor.</summary>
    public static DnsName Parse(string dotted)
    {
        ArgumentNullException.ThrowIfNull(dotted);
        string trimmed = dotted.EndsWith('.') ? dotted[..^1] : dotted;
        return new DnsName(trimmed.Length == 0 ? [] : trimmed.Split('.'));
    }

    /// <summary>This name with <paramref name="label"/> in front, e.g. an instance label before the service type.</summary>
    public DnsName Prepend(string label) => new([label, .. _labels]);

    /// <summary>
    /// The text before <c>.{suffix}</c> when this name lies strictly below <paramref name="suffix"/>, else null.
    /// </summary>
    public string? RelativeTo(DnsName suffix)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        string tail = "." + suffix.Text;
        return Text.Length > tail.Length && Text.EndsWith(tail, StringComparison.OrdinalIgnoreCase) ? Text[..^tail.Length] : null;
    }

    public bool Equals(DnsName? other) => other is not null && string.Equals(Text, other.Text, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => Equals(obj as DnsName);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Text);

    public override string ToString() => Text + ".";
}
