using OpenDesk.Protocol;

namespace OpenDesk.Server.Policy;

/// <summary>
/// What a call wants to do, in the words of spec §21 (e.g. <c>type 12 chars: 'hello world…'</c>): shown in
/// approval prompts and written to the audit log, identical to what other implementations write.
/// </summary>
internal static class CallSummary
{
    /// <summary>
    /// The summary, extended for a call that touches the opendesk home with why that matters, e.g.
    /// <c>read file: /home/me/.opendesk/identity.key (inside the opendesk home, which holds this desk's private
    /// key and trust store)</c>. Other calls keep the spec's exact words.
    /// </summary>
    /// <param name="method">The wire method name as received.</param>
    /// <param name="parameters">The call's parameters as received.</param>
    /// <param name="home">The serving home, or null when no call is to be checked against one.</param>
    public static CallDescription Describe(string method, MsgMap parameters, ProtectedHome? home)
    {
        if (home?.Concern(method, parameters) is not { } concern)
        {
            return new CallDescription(For(method, parameters), TouchesHome: false);
        }

        // The spec's summary of fs.list is the bare method name, which reads oddly before the path it needs here.
        var summary = method == "fs.list"
            ? $"list {(parameters.TryGetValue("path", out var path) ? PyRepr.Str(path) : "?")}"
            : For(method, parameters);
        return new CallDescription($"{summary} ({concern})", TouchesHome: true);
    }

    public static string For(string method, MsgMap parameters)
    {
        switch (method)
        {
            case "input.pointer":
            {
                var e = Map(parameters, "event");
                var point = e is null ? null : Map(e, "point");
                var action = e is not null && e.TryGetValue("action", out var a) ? PyRepr.Str(a) : "move";
                return $"send pointer {action} at ({Coordinate(point, "x")}, {Coordinate(point, "y")})";
            }

            case "input.key":
            {
                var e = Map(parameters, "event");
                var action = e is not null && e.TryGetValue("action", out var a) ? PyRepr.Str(a) : "press";
                var keysym = e is not null && e.TryGetValue("keysym", out var k) ? PyRepr.Format(k) : "'?'";
                return $"send key {action} {keysym}";
            }

            case "input.text":
            {
                var text = Map(parameters, "text_input") is { } t && t.TryGetValue("text", out var v) && v is string s ? s : "";
                var runes = text.EnumerateRunes().ToList();
                var preview = string.Concat(runes.Take(40).Select(r => r.ToString()));
                if (runes.Count > 40)
                {
                    preview += "…";
                }

                return $"type {runes.Count} chars: {PyRepr.Format(preview)}";
            }

            case "process.shell":
                return $"run shell: {PyRepr.Format(Prefix(Text(parameters, "command"), 80))}";
            case "process.exec":
            {
                var argv = parameters.TryGetValue("argv", out var list) && list is List<object?> items
                    ? string.Join(' ', items.Select(i => PyRepr.Str(i)))
                    : "?";
                return $"exec: {PyRepr.Format(Prefix(argv, 80))}";
            }

            case "fs.write" or "fs.delete" or "fs.mkdir" or "fs.stat" or "fs.read":
                return $"{method[3..]} file: {Text(parameters, "path")}";
            case "fs.move":
                return $"move {Text(parameters, "src")} → {Text(parameters, "dst")}";
            case "clipboard.write":
                return "write to the clipboard";
            case "apps.open" or "apps.close" or "apps.focus":
                return $"{method[5..]} app: {PyRepr.Format(parameters.TryGetValue("name", out var n) ? n : "?")}";
            case "ui.action":
            {
                var action = parameters.TryGetValue("action", out var a) ? PyRepr.Format(a) : "'click'";
                var element = Map(parameters, "element");
                var name = element is not null && element.TryGetValue("name", out var nm) && nm is string { Length: > 0 } ns ? ns
                    : element is not null && element.TryGetValue("role", out var r) && r is string { Length: > 0 } rs ? rs
                    : "?";
                return $"ui action {action} on {name}";
            }

            case "power.lock":
                return "lock the screen";
            default:
                if (method.StartsWith("windows.", StringComparison.Ordinal))
                {
                    return $"{method} ({string.Join(", ", parameters.Select(kv => $"{kv.Key}={PyRepr.Str(kv.Value)}"))})";
                }

                return method;
        }
    }

    private static MsgMap? Map(MsgMap parameters, string key) => parameters.TryGetValue(key, out var value) ? value as MsgMap : null;

    private static string Text(MsgMap parameters, string key) => parameters.TryGetValue(key, out var value) && value is not null ? PyRepr.Str(value) : "?";

    private static string Coordinate(MsgMap? point, string key) => point is not null && point.TryGetValue(key, out var value) ? PyRepr.Str(value) : "?";

    private static string Prefix(string text, int codePoints) => string.Concat(text.EnumerateRunes().Take(codePoints).Select(r => r.ToString()));
}
