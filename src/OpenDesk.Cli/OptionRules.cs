using System.CommandLine;
using System.Globalization;

namespace OpenDesk.Cli;

/// <summary>
/// Checks of option values made while parsing, so a bad value is a usage error (exit 2) before anything starts,
/// not a failure halfway through.
/// </summary>
internal static class OptionRules
{
    /// <summary>The largest number of seconds a duration option takes (a day), well inside what timers accept.</summary>
    public const double MaxSeconds = 86_400;

    /// <summary>A TCP port: 1–65535, or also 0 (any free port) where <paramref name="allowAny"/>.</summary>
    public static Option<int> Port(this Option<int> option, bool allowAny)
    {
        var lowest = allowAny ? 0 : 1;
        option.Validators.Add(result =>
        {
            if (TryGet<int>(result, out var value) && (value < lowest || value > 65535))
            {
                result.AddError($"{option.Name} must be a port number from {lowest} to 65535{(allowAny ? " (0 picks a free one)" : "")}, got {value}");
            }
        });
        return option;
    }

    /// <summary>A number of seconds greater than 0 and at most a day.</summary>
    public static Option<double> PositiveSeconds(this Option<double> option)
    {
        option.Validators.Add(result =>
        {
            if (TryGet<double>(result, out var value) && !(value > 0 && value <= MaxSeconds))
            {
                result.AddError($"{option.Name} must be a number of seconds greater than 0 and at most {MaxSeconds.ToString(CultureInfo.InvariantCulture)}, got {Format(value)}");
            }
        });
        return option;
    }

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (TryGet<int?>(result, out var value) && value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}, got {value}");
            }
        });
        return option;
    }

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (TryGet<int>(result, out var value) && value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}, got {value}");
            }
        });
        return option;
    }

    /// <summary>A virtual display size, <c>WIDTHxHEIGHT</c> within what the X11 backend starts.</summary>
    public static Option<string?> DisplaySize(this Option<string?> option)
    {
        option.Validators.Add(result =>
        {
            if (TryGet<string?>(result, out var size) && size is not null && !IsDisplaySize(size, out var problem))
            {
                result.AddError(problem);
            }
        });
        return option;
    }

    /// <summary>A pairing code: exactly six digits, as <c>opendesk pair</c> shows them (spec §3.5).</summary>
    public static Option<string?> PairingCode(this Option<string?> option)
    {
        option.Validators.Add(result =>
        {
            if (TryGet<string?>(result, out var code) && code is not null && !IsPairingCode(code))
            {
                result.AddError($"{option.Name} must be exactly 6 digits, e.g. 004217; got {Protocol.PyRepr.Format(code)}");
            }
        });
        return option;
    }

    /// <summary>The option's value; false when it did not convert (the parser reports that error itself).</summary>
    private static bool TryGet<T>(System.CommandLine.Parsing.OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    public static bool IsPairingCode(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);

    private static bool IsDisplaySize(string size, out string problem)
    {
        problem = "";
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        try
        {
            Linux.VirtualDisplay.ParseSize(size);
            return true;
        }
        catch (OpenDeskException ex)
        {
            problem = $"--virtual-display: {ex.Message}";
            return false;
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
