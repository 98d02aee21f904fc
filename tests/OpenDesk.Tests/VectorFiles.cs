using System.Globalization;
using System.Text.Json;
using OpenDesk.Protocol;

namespace OpenDesk.Tests;

/// <summary>
/// Finds the repository's <c>docs/protocol/vectors</c> and turns the vectors' JSON notation
/// into msgpack tree values: objects are maps in wire order, <c>{"$bin": hex}</c> is bin, a number with a
/// fraction or exponent is a float64.
/// </summary>
internal static class VectorFiles
{
    private static readonly Lazy<string> Directory = new(Locate);

    public static string Path(string fileName) => System.IO.Path.Combine(Directory.Value, fileName);

    public static JsonDocument Load(string fileName) => JsonDocument.Parse(File.ReadAllText(Path(fileName)));

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static object? ToTree(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var props = element.EnumerateObject().ToList();
                if (props.Count == 1 && props[0].Name == "$bin")
                {
                    return Convert.FromHexString(props[0].Value.GetString()!);
                }

                var map = new MsgMap();
                foreach (var p in props)
                {
                    map.Add(p.Name, ToTree(p.Value));
                }

                return map;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(ToTree).ToList();
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                if (raw.IndexOfAny(['.', 'e', 'E']) >= 0)
                {
                    return double.Parse(raw, CultureInfo.InvariantCulture);
                }

                return raw.StartsWith('-') ? long.Parse(raw, CultureInfo.InvariantCulture) : ToUnsignedTree(ulong.Parse(raw, CultureInfo.InvariantCulture));
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    public static byte[] EncodeTree(object? tree)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        new MsgPackWriter(buffer).WriteValue(tree);
        return buffer.WrittenSpan.ToArray();
    }

    private static object ToUnsignedTree(ulong value) => value <= long.MaxValue ? (long)value : value;

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "docs", "protocol", "vectors");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("docs/protocol/vectors not found above the test assembly");
    }
}
