using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenDesk.Trust;

namespace OpenDesk.Cli;

/// <summary>What every command shares: the <c>--home</c> and <c>--json</c> options and the output conventions of spec §24.</summary>
internal static class Cli
{
    public const int Failure = 1;

    public static readonly Option<string?> Home = new("--home")
    {
        Description = "opendesk home directory (default: ~/.opendesk)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "print machine-readable JSON instead of a table",
    };

    public static OpenDeskHome HomeOf(ParseResult parse) => new(parse.GetValue(Home));

    /// <summary>Prints <c>ERROR: {text}</c> on stderr and returns the failure exit code.</summary>
    public static int Error(string text)
    {
        Console.Error.WriteLine($"ERROR: {text}");
        return Failure;
    }

    /// <summary>A message for stderr without the ERROR prefix (the spec's "No peer matched …" style).</summary>
    public static int Complain(string text)
    {
        Console.Error.WriteLine(text);
        return Failure;
    }

    /// <summary>Prints <paramref name="value"/> as indented snake_case JSON, with a type from <see cref="Json.CliJsonContext"/>.</summary>
    public static void WriteJson<T>(T value, JsonTypeInfo<T> type) => Console.Out.WriteLine(ToJson(value, type));

    internal static string ToJson<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    /// <summary>Pads like Python's <c>f"{value:&lt;width}"</c>: never truncates.</summary>
    public static string Pad(string value, int width) => value.PadRight(width);
}
