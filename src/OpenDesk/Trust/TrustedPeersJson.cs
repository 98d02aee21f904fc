using OpenDesk.Protocol;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace OpenDesk.Trust;

/// <summary>
/// The byte layout of <c>trusted-peers.json</c> (spec §4.1). The writer reproduces Python's
/// <c>json.dumps(peers, indent=2, sort_keys=True)</c> exactly, so files stay byte-identical to upstream's.
/// </summary>
internal static class TrustedPeersJson
{
    /// <summary>The whole file for <paramref name="peers"/>: pure ASCII, no trailing newline.</summary>
    public static byte[] Serialize(IReadOnlyList<TrustedPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        if (peers.Count == 0)
        {
            return "[]"u8.ToArray();
        }

        var sb = new StringBuilder(peers.Count * 400);
        sb.Append('[');
        for (int i = 0; i < peers.Count; i++)
        {
            var peer = peers[i];
            sb.Append(i == 0 ? "\n  {" : ",\n  {");
            // Sorted key order; "description" sorts before "description_override" as a prefix.
            AppendString(sb, "description", peer.Description, first: true);
            AppendString(sb, "description_override", peer.DescriptionOverride);
            AppendString(sb, "last_host", peer.LastHost);
            AppendRaw(sb, "last_port", peer.LastPort.ToString(CultureInfo.InvariantCulture));
            AppendString(sb, "name", peer.Name);
            AppendRaw(sb, "paired_at", PyJson.Float(peer.PairedAt));
            AppendString(sb, "public_key", peer.PublicKey);
            AppendString(sb, "role", peer.Role);
            sb.Append("\n  }");
        }

        sb.Append("\n]");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>
    /// Parses the file. Entries that cannot be converted are skipped (spec §4.1); a document that is not
    /// JSON or not an array throws <see cref="JsonException"/>, whose message the caller reports.
    /// </summary>
    public static List<TrustedPeer> Parse(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        // System.Text.Json only checks string contents when they are read; a file that is not UTF-8 at all is
        // damaged as a whole and is reported rather than silently losing the entries it affects.
        if (!Utf8.IsValid(utf8.Span))
        {
            throw new JsonException("the file is not valid UTF-8");
        }

        using var document = JsonDocument.Parse(utf8);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"expected a JSON array, found {Describe(document.RootElement.ValueKind)}");
        }

        var peers = new List<TrustedPeer>();
        foreach (var element in document.RootElement.EnumerateArray())
        {
            try
            {
                if (TryReadEntry(element) is { } peer)
                {
                    peers.Add(peer);
                }
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json will not decode a \u escape of a lone surrogate, which Python can write: skip the entry.
            }
        }

        return peers;
    }

    private static TrustedPeer? TryReadEntry(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // Later duplicates win, as with Python's json module; snake_case wins over the JS SDK's camelCase.
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in entry.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        JsonElement? Field(string snake, string? camel = null)
        {
            if (fields.TryGetValue(snake, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }

            if (camel is not null && fields.TryGetValue(camel, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }

            return null;
        }

        if (!TryString(Field("public_key", "publicKey"), out var key) || key.Length != 64)
        {
            return null;
        }

        key = key.ToLowerInvariant();
        if (!TrustedPeer.IsLowerHex(key)
            || !TryString(Field("name"), out var name)
            || !TryString(Field("role"), out var role)
            || !TryString(Field("description"), out var description)
            || !TryString(Field("description_override", "descriptionOverride"), out var descriptionOverride)
            || !TryString(Field("last_host", "lastHost"), out var lastHost)
            || !TryDouble(Field("paired_at", "pairedAt"), out var pairedAt)
            || !TryInt(Field("last_port", "lastPort"), out var lastPort))
        {
            return null;
        }

        return new TrustedPeer
        {
            PublicKey = key,
            Name = name,
            Role = role,
            PairedAt = pairedAt,
            Description = description,
            DescriptionOverride = descriptionOverride,
            LastHost = lastHost,
            LastPort = lastPort,
        };
    }

    private static bool TryString(JsonElement? element, out string value)
    {
        value = "";
        if (element is not { } e)
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = e.GetString() ?? "";
        return true;
    }

    // Upstream converts with float(), which also takes numeric strings but not ISO dates.
    private static bool TryDouble(JsonElement? element, out double value)
    {
        value = 0.0;
        if (element is not { } e)
        {
            return true;
        }

        var ok = e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetDouble(out value),
            JsonValueKind.String => double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
        return ok && double.IsFinite(value);
    }

    // Upstream converts with int(), which takes integral numbers and integer strings.
    private static bool TryInt(JsonElement? element, out int value)
    {
        value = 0;
        if (element is not { } e)
        {
            return true;
        }

        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                if (e.TryGetInt32(out value))
                {
                    return true;
                }

                if (e.TryGetDouble(out var d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue)
                {
                    value = (int)d;
                    return true;
                }

                return false;
            case JsonValueKind.String:
                return int.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
            default:
                return false;
        }
    }

    private static void AppendString(StringBuilder sb, string key, string value, bool first = false)
    {
        sb.Append(first ? "\n    \"" : ",\n    \"").Append(key).Append("\": ");
        AppendEscaped(sb, value);
    }

    private static void AppendRaw(StringBuilder sb, string key, string value) =>
        sb.Append(",\n    \"").Append(key).Append("\": ").Append(value);

    private static void AppendEscaped(StringBuilder sb, string value) => PyJson.AppendString(sb, value);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
