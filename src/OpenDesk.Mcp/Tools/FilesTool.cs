using System.Globalization;
using System.Text;
using OpenDesk.Computer;

namespace OpenDesk.Mcp.Tools;

/// <summary><c>files</c>: the desk's file system.</summary>
internal static class FilesTool
{
    private const int DefaultMaxBytes = 100_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly (string Name, string Method)[] FileActions =
    [
        ("list", Methods.FsList), ("read", Methods.FsRead), ("stat", Methods.FsStat), ("write", Methods.FsWrite),
        ("mkdir", Methods.FsMkdir), ("move", Methods.FsMove), ("delete", Methods.FsDelete),
    ];

    private static readonly ToolParameter FilePath = ToolParameter.FromMethod(Methods.FsRead, "path") with { Required = true };

    private static readonly ToolParameter Destination = ToolParameter.FromMethod(Methods.FsMove, "dst", description: "For move: where to move path.");

    private static readonly ToolParameter Text = new("text", ToolValueKind.String, "For write: the new contents as text (written as UTF-8).");

    private static readonly ToolParameter Base64 = new("base64", ToolValueKind.String, "For write: the new contents as base64, for binary files.");

    private static readonly ToolParameter Parents = ToolParameter.FromMethod(Methods.FsMkdir, "parents");

    private static readonly ToolParameter MaxBytes = new("max_bytes", ToolValueKind.Integer, "For read: show at most this many bytes of the file.")
    {
        Default = (long)DefaultMaxBytes,
        Minimum = 1,
        Maximum = 5_000_000,
    };

    public static ToolDefinition Definition { get; } = new()
    {
        Name = "files",
        Title = "Files",
        Description = "Read, list and change files on the desk. Text files come back as text, others as base64.",
        Methods = [.. FileActions.Select(a => a.Method)],
        Parameters = [Common.Actions(FileActions), FilePath, Destination, Text, Base64, Parents, MaxBytes, .. Common.ActionTail],
        OnDesk = true,
        RunAsync = RunAsync,
    };

    private static async Task<ToolOutput> RunAsync(ToolCall call)
    {
        var args = call.Args;
        var action = args.String("action")!;
        var path = args.String(FilePath.Name)!;
        var computer = call.On(Common.MethodOf(FileActions, action));
        var ct = call.CancellationToken;
        switch (action)
        {
            case "list":
                var entries = await computer.ListDirectoryAsync(path, ct).ConfigureAwait(false);
                var list = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{entries.Count} entries in {path} on {call.Where}:");
                foreach (var entry in entries.OrderBy(e => !e.IsDir).ThenBy(e => e.Name, StringComparer.Ordinal))
                {
                    list.Append('\n').Append(entry.IsDir ? $"{entry.Name}/" : $"{entry.Name}  {Common.Size(entry.Size)}");
                }

                return ToolOutput.Text(list.ToString());
            case "stat":
                var stat = await computer.StatAsync(path, ct).ConfigureAwait(false);
                var modified = stat.Mtime is { } mtime ? $", modified {Modified(mtime)}" : "";
                var mode = stat.Mode is { } bits ? $", mode {Convert.ToString(bits & 0xfff, 8)}" : "";
                return ToolOutput.Text($"{stat.Path} on {call.Where}: {(stat.IsDir ? "directory" : $"file of {stat.Size} bytes")}{modified}{mode}.");
            case "read":
                var data = await computer.ReadFileAsync(path, ct).ConfigureAwait(false);
                return ToolOutput.Text(ShowFile(path, data, args.Int(MaxBytes.Name) ?? DefaultMaxBytes, call.Where));
            case "write":
                var contents = Contents(call);
                await computer.WriteFileAsync(path, contents, ct).ConfigureAwait(false);
                return ToolOutput.Text($"Wrote {contents.Length} bytes to {path} on {call.Where}.");
            case "mkdir":
                await computer.CreateDirectoryAsync(path, args.Bool(Parents.Name, true), ct).ConfigureAwait(false);
                return ToolOutput.Text($"Created the directory {path} on {call.Where}.");
            case "move":
                var destination = args.RequiredString(Destination.Name, "to move");
                await computer.MovePathAsync(path, destination, ct).ConfigureAwait(false);
                return ToolOutput.Text($"Moved {path} to {destination} on {call.Where}.");
            default:
                await computer.DeletePathAsync(path, ct).ConfigureAwait(false);
                return ToolOutput.Text($"Deleted {path} on {call.Where}.");
        }
    }

    private static byte[] Contents(ToolCall call)
    {
        var args = call.Args;
        if (args.String(Text.Name) is { } text)
        {
            return args.Has(Base64.Name) ? throw args.Invalid("give text or base64, not both") : Encoding.UTF8.GetBytes(text);
        }

        if (args.String(Base64.Name) is { } encoded)
        {
            try
            {
                return Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                throw args.Invalid("'base64' is not valid base64");
            }
        }

        throw args.Invalid("write needs text or base64");
    }

    private static string ShowFile(string path, byte[] data, int maxBytes, string where)
    {
        var shown = data.AsSpan(0, Math.Min(data.Length, maxBytes));
        if (!shown.Contains((byte)0))
        {
            // A cut may split a character: up to three bytes fewer, the next read goes on from there.
            for (var trim = 0; trim <= (shown.Length < data.Length ? Math.Min(3, shown.Length - 1) : 0); trim++)
            {
                try
                {
                    var text = StrictUtf8.GetString(shown[..^trim]);
                    return $"{path} on {where}: {data.Length} bytes of text{Cut(shown.Length - trim, data.Length)}:\n{text}";
                }
                catch (DecoderFallbackException)
                {
                    // Not text (yet): try a shorter cut, then base64 below.
                }
            }
        }

        return $"{path} on {where}: {data.Length} bytes of binary data{Cut(shown.Length, data.Length)}, base64:\n{Convert.ToBase64String(shown)}";
    }

    private static string Cut(int shown, int total) => shown < total ? $" (first {shown} shown; raise max_bytes for more)" : "";

    /// <summary>A modification time as a UTC date, or as raw epoch seconds when it is no date (file systems store any value).</summary>
    private static string Modified(double epochSeconds) =>
        epochSeconds >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && epochSeconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(epochSeconds * 1000)).ToString("u", CultureInfo.InvariantCulture)
            : $"at {epochSeconds.ToString(CultureInfo.InvariantCulture)} s since 1970 (outside the dates this can show)";
}
