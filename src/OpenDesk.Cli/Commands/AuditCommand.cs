using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpenDesk.Protocol;
using OpenDesk.Server.Audit;

namespace OpenDesk.Cli.Commands;

/// <summary><c>opendesk audit</c>: the daemon's audit log, readable (spec §24) or as raw JSON lines.</summary>
internal static class AuditCommand
{
    private static readonly string Spacer = new(' ', 26);

    public static Command Create()
    {
        var date = new Option<string?>("--date") { Description = "day to show, YYYY-MM-DD (default: today)" };
        var peer = new Option<string?>("--peer") { Description = "only entries whose peer name or fingerprint contains this" };
        var limit = new Option<int?>("--limit") { Description = "only the last N matching entries" }.AtLeast(0);
        var follow = new Option<bool>("--follow", "-f") { Description = "keep printing new entries until Ctrl-C" };
        var command = new Command("audit", "Show what controllers did on this machine (the serve audit log)");
        command.Options.Add(date);
        command.Options.Add(peer);
        command.Options.Add(limit);
        command.Options.Add(follow);
        command.Options.Add(Cli.Json);
        command.SetAction(async (parse, ct) =>
        {
            var day = DateOnly.FromDateTime(DateTime.Now);
            if (parse.GetValue(date) is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            {
                return Cli.Error($"invalid date format {PyRepr.Format(text)}; expected YYYY-MM-DD");
            }

            var path = AuditLog.PathFor(Cli.HomeOf(parse).AuditDirectory, day);
            var json = parse.GetValue(Cli.Json);
            var following = parse.GetValue(follow);
            var filter = parse.GetValue(peer);
            var lines = File.Exists(path) ? await File.ReadAllLinesAsync(path, ct) : [];

            // The peer filter first, then the limit: "the last 5 entries of laptop" (upstream limits first).
            var entries = lines.Select(Parse).OfType<Entry>().Where(e => e.Matches(filter)).ToList();
            if (parse.GetValue(limit) is { } n)
            {
                entries = entries.TakeLast(n).ToList();
            }

            if (json && !following)
            {
                // One JSON document: the entries as the log holds them, in an array.
                Console.WriteLine(entries.Count == 0 ? "[]" : "[\n" + string.Join(",\n", entries.Select(e => e.Line)) + "\n]");
                return 0;
            }

            foreach (var entry in entries)
            {
                Print(entry, json);
            }

            if (!following)
            {
                if (entries.Count == 0)
                {
                    Console.WriteLine(File.Exists(path) ? "No matching audit entries." : $"No audit log for {day:yyyy-MM-dd}.");
                }

                return 0;
            }

            var seen = lines.Length;
            try
            {
                while (true)
                {
                    await Task.Delay(500, ct);
                    if (!File.Exists(path))
                    {
                        continue;
                    }

                    var all = await File.ReadAllLinesAsync(path, ct);
                    foreach (var entry in all.Skip(seen).Select(Parse).OfType<Entry>().Where(e => e.Matches(filter)))
                    {
                        // JSON Lines while following: each entry is printed as it comes.
                        Print(entry, json);
                    }

                    seen = all.Length;
                }
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
        });
        return command;
    }

    /// <summary>A log line that is a JSON object; null for blank and malformed lines, which readers skip (spec §22).</summary>
    private static Entry? Parse(string line)
    {
        if (line.Trim().Length == 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? new Entry(line, doc.RootElement.Clone()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Print(Entry entry, bool json)
    {
        if (json)
        {
            Console.WriteLine(entry.Line);
            return;
        }

        var name = Text(entry.Value, "peer", "name");
        var fp = Text(entry.Value, "peer", "fp");
        var when = entry.Value.TryGetProperty("ts", out var ts) && ts.TryGetDouble(out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "?";
        var who = (name.Length > 0 ? name : fp.Length > 0 ? fp : "?").PadRight(16);
        var kind = Text(entry.Value, "type");
        var head = $"{when}  {who}  {kind.PadRight(14)}";
        var value = entry.Value;
        Console.WriteLine(kind switch
        {
            "call" => $"{head}  {(Text(value, "outcome") == "ok" ? "ok" : $"error/{Text(value, "error_code")}").PadRight(22)}  {Text(value, "summary")}",
            "session.opened" => $"{head}{Spacer}id={Text(value, "session_id")} from {Text(value, "remote_addr")}",
            "session.closed" => $"{head}{Spacer}id={Text(value, "session_id")}  duration={Raw(value, "duration")}s  reason={PyRepr.Format(Text(value, "reason"))}",
            "session.rejected" => $"{head}{Spacer}reason={Text(value, "reason")}  from {Text(value, "remote_addr")}",
            _ => head,
        });
    }

    private static string Text(JsonElement entry, params string[] path)
    {
        var current = entry;
        foreach (var key in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(key, out current))
            {
                return "";
            }
        }

        return current.ValueKind == JsonValueKind.String ? current.GetString() ?? "" : current.ValueKind == JsonValueKind.Undefined ? "" : current.GetRawText();
    }

    private static string Raw(JsonElement entry, string key) => entry.TryGetProperty(key, out var value) ? value.GetRawText() : "?";

    /// <summary>One audit entry: the line as written, and its parsed form.</summary>
    private sealed record Entry(string Line, JsonElement Value)
    {
        /// <summary>Whether <paramref name="filter"/> is null or a substring of the peer's name or <c>fp</c>.</summary>
        public bool Matches(string? filter) =>
            filter is null || Text(Value, "peer", "name").Contains(filter, StringComparison.Ordinal) || Text(Value, "peer", "fp").Contains(filter, StringComparison.Ordinal);
    }
}
