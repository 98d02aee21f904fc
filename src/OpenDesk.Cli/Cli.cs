using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenDesk.Trust;

namespace OpenDesk.Cli;

/// <summary>What every command shares: the <c>--home</c> and <c>--json</c> options and the output conventions of spec §24.</summary>
internal static class Cli
{
    public const int Failure = ExitCodes.Failure;

    public static readonly Option<string?> Home = new("--home")
    {
        Description = "opendesk home directory (default: ~/.opendesk)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "print one machine-readable JSON document on stdout (an {\"error\": …} object when the command fails)",
    };

    /// <summary>The home <c>--home</c> names (or the default), created if missing.</summary>
    /// <exception cref="CliException">It cannot be created.</exception>
    public static OpenDeskHome HomeOf(ParseResult parse)
    {
        var path = parse.GetValue(Home);
        try
        {
            return new OpenDeskHome(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException(
                $"cannot use {path ?? "~/.opendesk"} as the opendesk home: {ex.Message.TrimEnd('.')}. Pass a directory you can write with --home.", inner: ex);
        }
    }

    /// <summary>This machine's identity in <paramref name="home"/>, created on first use.</summary>
    /// <exception cref="CliException"><c>identity.key</c> is damaged or cannot be written.</exception>
    public static Identity IdentityOf(OpenDeskHome home)
    {
        try
        {
            return Identity.LoadOrCreate(home);
        }
        catch (Exception ex) when (ex is OpenDeskException or IOException or UnauthorizedAccessException)
        {
            var advice = File.Exists(home.IdentityKeyPath)
                ? "It holds this machine's private key and is damaged: move it away to start with a new key (every peer paired with this machine must then pair again), or restore it from a backup."
                : "Check that you may write in the opendesk home, or pass another with --home.";
            throw new CliException($"cannot use the identity key {home.IdentityKeyPath}: {ex.Message.TrimEnd('.')}. {advice}", inner: ex);
        }
    }

    /// <summary>Whether the command being run takes <c>--json</c> and was given it.</summary>
    public static bool WantsJson(ParseResult parse) => parse.GetResult(Json) is not null && parse.GetValue(Json);

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
