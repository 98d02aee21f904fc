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
            var filter = parse.GetValue(peer);
            var lines = File.Exists(path) ? await File.ReadAllLinesAsync(path, ct) : [];
            var entries = lines.Where(l => l.Trim().Length > 0).ToList();
            if (parse.GetValue(limit) is { } n && n >= 0)
            {
                entries = entries.TakeLast(n).ToList();
            }

            var shown = 0;
            foreach (var line in entries)
            {
                shown += Print(line, filter, json) ? 1 : 0;
            }

            if (!parse.GetValue(follow))
            {
                if (shown == 0 && !json)
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
                    foreach (var line in all.Skip(seen).Where(l => l.Trim().Length > 0))
                    {
                        Print(line, filter, json);
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

    private static bool Print(string line, string? filter, bool json)
    {
        JsonElement entry;
        try
        {
            using var doc = JsonDocument.Parse(line);
            entry = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return false;
        }

        if (entry.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var name = Text(entry, "peer", "name");
        var fp = Text(entry, "peer", "fp");
        if (filter is not null && !name.Contains(filter, StringComparison.Ordinal) && !fp.Contains(filter, StringComparison.Ordinal))
        {
            return false;
        }

        if (json)
        {
            Console.WriteLine(line);
            return true;
        }

        var when = entry.TryGetProperty("ts", out var ts) && ts.TryGetDouble(out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "?";
        var who = (name.Length > 0 ? name : fp.Length > 0 ? fp : "?").PadRight(16);
        var kind = Text(entry, "type");
        var head = $"{when}  {who}  {kind.PadRight(14)}";
        Console.WriteLine(kind switch
        {
            "call" => $"{head}  {(Text(entry, "outcome") == "ok" ? "ok" : $"error/{Text(entry, "error_code")}").PadRight(22)}  {Text(entry, "summary")}",
            "session.opened" => $"{head}{Spacer}id={Text(entry, "session_id")} from {Text(entry, "remote_addr")}",
            "session.closed" => $"{head}{Spacer}id={Text(entry, "session_id")}  duration={Raw(entry, "duration")}s  reason={PyRepr.Format(Text(entry, "reason"))}",
            "session.rejected" => $"{head}{Spacer}reason={Text(entry, "reason")}  from {Text(entry, "remote_addr")}",
            _ => head,
        });
        return true;
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
}
