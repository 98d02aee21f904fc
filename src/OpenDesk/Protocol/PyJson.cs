using System.Globalization;
using System.Text;

namespace OpenDesk.Protocol;

/// <summary>
/// JSON as Python's <c>json.dumps(ensure_ascii=True)</c> writes it: <c>", "</c> and <c>": "</c> separators,
/// <c>\uxxxx</c> for everything outside printable ASCII, floats in Python repr. The audit log and the trust
/// file must read the same whichever implementation wrote them.
/// </summary>
public static class PyJson
{
    /// <summary>One line, keys sorted (the audit log's layout).</summary>
    public static string Dumps(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    public static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                AppendString(sb, s);
                break;
            case double d:
                sb.Append(Float(d));
                break;
            case float f:
                sb.Append(Float(f));
                break;
            case long or int or ulong or uint or short or ushort or byte or sbyte:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case IReadOnlyDictionary<string, object?> map:
                sb.Append('{');
                var first = true;
                foreach (var key in map.Keys.Order(StringComparer.Ordinal))
                {
                    sb.Append(first ? "" : ", ");
                    first = false;
                    AppendString(sb, key);
                    sb.Append(": ");
                    Append(sb, map[key]);
                }

                sb.Append('}');
                break;
            case System.Collections.IEnumerable list and not byte[]:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in list)
                {
                    sb.Append(firstItem ? "" : ", ");
                    firstItem = false;
                    Append(sb, item);
                }

                sb.Append(']');
                break;
            default:
                // Python's audit writer falls back to str() for values json cannot serialise.
                AppendString(sb, PyRepr.Str(value));
                break;
        }
    }

    /// <summary>A JSON string literal with <c>ensure_ascii</c> escaping (UTF-16 units map onto Python's surrogate escapes).</summary>
    public static void AppendString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c is >= ' ' and <= '~')
                    {
                        sb.Append(c);
                    }
                    else
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>A float as json.dumps writes it: Python repr, with NaN/Infinity spelled as JavaScript does.</summary>
    public static string Float(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? (value > 0 ? "Infinity" : "-Infinity") : PyRepr.FormatFloat(value);
}
