using System.Globalization;
using System.Text;

namespace OpenDesk.Protocol;

/// <summary>
/// Python's <c>repr()</c>/<c>str()</c> of wire values (spec §0). Error messages, prompts, audit summaries
/// and CLI output quote values this way, and other implementations' files must read the same.
/// </summary>
public static class PyRepr
{
    /// <summary>repr(value): strings quoted, None/True/False as words, floats shortest round-trip.</summary>
    public static string Format(object? value) => value switch
    {
        string s => QuoteString(s),
        _ => Str(value),
    };

    /// <summary>str(value): like repr, but a top-level string is not quoted.</summary>
    public static string Str(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => s,
        double d => FormatFloat(d),
        float f => FormatFloat(f),
        long or int or ulong or uint or short or ushort or byte or sbyte => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        byte[] bytes => FormatBytes(bytes),
        IReadOnlyDictionary<string, object?> map =>
            "{" + string.Join(", ", map.Select(kv => QuoteString(kv.Key) + ": " + Format(kv.Value))) + "}",
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };

    public static string QuoteString(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        foreach (var rune in s.EnumerateRunes())
        {
            var c = rune.Value;
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append((char)c);
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\r')
            {
                sb.Append("\\r");
            }
            else if (c == '\t')
            {
                sb.Append("\\t");
            }
            else if (IsPrintable(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (c < 0x100)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{c:x2}");
            }
            else if (c < 0x10000)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{c:x4}");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\U{c:x8}");
            }
        }

        sb.Append(quote);
        return sb.ToString();
    }

    /// <summary>Python's float repr: shortest round-trip digits, <c>.0</c> on whole values, exponent outside [1e-4, 1e16).</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        // "E16" is not shortest; "R" is, so take its digits and exponent and lay them out as Python does.
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var (digits, exponent) = SplitDigits(shortest);
        var sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var expSign = exponent < 0 ? "-" : "+";
            return $"{sign}{mantissa}e{expSign}{Math.Abs(exponent):00}";
        }

        if (exponent < 0)
        {
            return sign + "0." + new string('0', -exponent - 1) + digits;
        }

        if (digits.Length <= exponent + 1)
        {
            return sign + digits + new string('0', exponent + 1 - digits.Length) + ".0";
        }

        return sign + digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
    }

    /// <summary>Splits .NET's round-trip text into significant digits and the decimal exponent of the first one.</summary>
    private static (string Digits, int Exponent) SplitDigits(string text)
    {
        var exponent = 0;
        var ePos = text.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exponent = int.Parse(text.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..ePos];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? text[..dot] : text;
        var fracPart = dot >= 0 ? text[(dot + 1)..] : "";
        var all = intPart + fracPart;
        var pointExponent = intPart.Length - 1 + exponent;
        var leadingZeros = 0;
        while (leadingZeros < all.Length - 1 && all[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        var digits = all[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        return (digits, pointExponent - leadingZeros);
    }

    private static string FormatBytes(byte[] bytes)
    {
        var sb = new StringBuilder("b'");
        foreach (var b in bytes)
        {
            if (b == '\'' || b == '\\')
            {
                sb.Append('\\').Append((char)b);
            }
            else if (b is >= 0x20 and < 0x7f)
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return sb.Append('\'').ToString();
    }

    private static bool IsPrintable(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        var category = Rune.GetUnicodeCategory(rune);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }
}
