using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OpenDesk.Protocol;

namespace OpenDesk.Fuzz;

/// <summary>
/// Writes a target's seed inputs and an afl-fuzz dictionary of the msgpack strings found in them, so the
/// fuzzer starts from real frames and can splice real keys ("type", "kind", "op", …) into its mutations.
/// </summary>
internal static class SeedCorpus
{
    public static (int Seeds, int Tokens) Write(IFuzzTarget target, VectorFiles vectors, string outDirectory)
    {
        var seedDirectory = Path.Combine(outDirectory, "seeds");
        Directory.CreateDirectory(seedDirectory);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var seed in target.Seeds(vectors))
        {
            // afl-fuzz refuses an empty seed file; the empty input is among its first mutations anyway.
            if (seed.Length == 0 || !seen.Add(Convert.ToHexString(SHA256.HashData(seed))))
            {
                continue;
            }

            File.WriteAllBytes(Path.Combine(seedDirectory, $"{target.Name}-{seen.Count:D3}"), seed);
            CollectStrings(TryDecode(seed), tokens);
            if (seed.Length > 4)
            {
                CollectStrings(TryDecode(seed.AsSpan(4)), tokens);
            }
        }

        var dictionary = new StringBuilder();
        foreach (var token in tokens)
        {
            dictionary.Append('"').Append(Escape(MsgPackString(token))).Append("\"\n");
        }

        File.WriteAllText(Path.Combine(outDirectory, target.Name + ".dict"), dictionary.ToString());
        return (seen.Count, tokens.Count);
    }

    private static object? TryDecode(ReadOnlySpan<byte> data)
    {
        try
        {
            return MsgPackReader.ReadSingle(data);
        }
        catch (ProtocolException)
        {
            return null;
        }
    }

    private static void CollectStrings(object? value, SortedSet<string> tokens)
    {
        switch (value)
        {
            case string s when s.Length is > 0 and <= 64:
                tokens.Add(s);
                break;
            case MsgMap map:
                foreach (var (key, item) in map)
                {
                    CollectStrings(key, tokens);
                    CollectStrings(item, tokens);
                }

                break;
            case List<object?> list:
                foreach (var item in list)
                {
                    CollectStrings(item, tokens);
                }

                break;
        }
    }

    private static byte[] MsgPackString(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new MsgPackWriter(buffer).WriteString(value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>afl-fuzz dictionary syntax: printable ASCII as is, everything else (and quote, backslash) as \xNN.</summary>
    private static string Escape(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f && b != '"' && b != '\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return text.ToString();
    }
}
