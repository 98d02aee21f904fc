using System.Globalization;

namespace OpenDesk.Trust;

/// <summary>
/// Formats a double the way Python's <c>repr(float)</c> does (spec §0): the shortest text that round-trips,
/// an integral value keeps <c>.0</c>, and exponent notation is used below 1e-4 and from 1e16 up.
/// Upstream's files and logs are written by Python's json module, which uses exactly this form.
/// </summary>
internal static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        // "E16" is not shortest; "R" is, but switches to exponent form at different thresholds than Python,
        // so take only its digits and decimal exponent and lay them out again.
        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip.StartsWith('-');
        var body = negative ? roundTrip[1..] : roundTrip;

        int exponent = 0;
        var ePos = body.IndexOf('E', StringComparison.Ordinal);
        if (ePos >= 0)
        {
            exponent = int.Parse(body.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..ePos];
        }

        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? body[..dot] : body;
        var fracPart = dot >= 0 ? body[(dot + 1)..] : "";
        var digits = (intPart + fracPart).TrimStart('0');
        // Position of the decimal point relative to the first significant digit, as in Python's float_repr.
        int decimalPoint = intPart.Length + exponent - ((intPart + fracPart).Length - (intPart + fracPart).TrimStart('0').Length);
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        string text;
        if (decimalPoint > -4 && decimalPoint <= 16)
        {
            if (decimalPoint <= 0)
            {
                text = "0." + new string('0', -decimalPoint) + digits;
            }
            else if (decimalPoint >= digits.Length)
            {
                text = digits + new string('0', decimalPoint - digits.Length) + ".0";
            }
            else
            {
                text = digits[..decimalPoint] + "." + digits[decimalPoint..];
            }
        }
        else
        {
            var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            var e = decimalPoint - 1;
            text = mantissa + "e" + (e < 0 ? "-" : "+") + Math.Abs(e).ToString("00", CultureInfo.InvariantCulture);
        }

        return negative ? "-" + text : text;
    }
}
