using System.Globalization;
using System.Text.Json;
using OpenDesk.Computer;
using OpenDesk.Mcp.Desks;

namespace OpenDesk.Mcp.Tools;

/// <summary>
/// A call's arguments, checked against the tool's parameters before anything runs: unknown names, wrong types
/// and values outside an enumeration are refused with a message naming the argument and what it takes.
/// </summary>
internal sealed class ToolArguments
{
    private readonly Dictionary<string, JsonElement> _values;
    private readonly string _tool;

    public ToolArguments(string tool, IReadOnlyList<ToolParameter> parameters, IDictionary<string, JsonElement>? values)
    {
        _tool = tool;
        _values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in values ?? new Dictionary<string, JsonElement>())
        {
            // A JSON null is the same as leaving the argument out, as agents often send.
            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                continue;
            }

            var parameter = parameters.FirstOrDefault(p => p.Name == name)
                ?? throw Invalid($"unknown argument '{name}'; {tool} takes {string.Join(", ", parameters.Select(p => p.Name))}");
            Check(parameter, value);
            _values[name] = value;
        }

        foreach (var parameter in parameters.Where(p => p.Required && !_values.ContainsKey(p.Name)))
        {
            throw Invalid($"'{parameter.Name}' is required: {parameter.Description}");
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? String(string name) => _values.TryGetValue(name, out var value) ? value.GetString() : null;

    public string RequiredString(string name, string when) =>
        String(name) is { } text ? text : throw Invalid($"'{name}' is required {when}");

    public bool Bool(string name, bool fallback = false) => _values.TryGetValue(name, out var value) ? value.GetBoolean() : fallback;

    public double? Number(string name) => _values.TryGetValue(name, out var value) ? value.GetDouble() : null;

    public int? Int(string name) => _values.TryGetValue(name, out var value) ? (int)value.GetDouble() : null;

    public IReadOnlyList<string>? Strings(string name) =>
        _values.TryGetValue(name, out var value) ? [.. value.EnumerateArray().Select(item => item.GetString()!)] : null;

    public IReadOnlyDictionary<string, string>? StringMap(string name) =>
        _values.TryGetValue(name, out var value) ? value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal) : null;

    public Rect? Rect(string name)
    {
        if (!_values.TryGetValue(name, out var value))
        {
            return null;
        }

        var rect = new Rect(value.GetProperty("x").GetDouble(), value.GetProperty("y").GetDouble(), value.GetProperty("width").GetDouble(), value.GetProperty("height").GetDouble());
        return rect.Width > 0 && rect.Height > 0 ? rect : throw Invalid($"'{name}' must have a positive width and height");
    }

    public ToolFailure Invalid(string message) => new($"Invalid arguments for {_tool}: {message}.");

    private void Check(ToolParameter parameter, JsonElement value)
    {
        bool ok;
        try
        {
            ok = Matches(parameter.Kind, value);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (\ud800) in a string or a key is no Unicode text: it cannot be read as a string.
            throw Invalid($"'{parameter.Name}' must be valid Unicode text, but it holds a lone surrogate escape such as \\ud800");
        }

        if (!ok)
        {
            var expected = parameter.Kind switch
            {
                ToolValueKind.StringList => "an array of strings",
                ToolValueKind.StringMap => "an object of strings",
                ToolValueKind.Rect => "an object with numbers x, y, width and height",
                ToolValueKind.Integer => "an integer",
                var kind => $"a {JsonSchema.TypeName(kind)}",
            };
            throw Invalid($"'{parameter.Name}' must be {expected}, got {Shorten(value.GetRawText())}");
        }

        if (parameter.Choices is { } choices)
        {
            var given = parameter.Kind == ToolValueKind.StringList ? value.EnumerateArray().Select(i => i.GetString()!) : [value.GetString()!];
            foreach (var item in given.Where(item => !choices.Contains(item, StringComparer.Ordinal)))
            {
                throw Invalid($"'{parameter.Name}' must be one of {string.Join(", ", choices)}, got '{item}'");
            }
        }

        if (parameter.Kind is ToolValueKind.Integer or ToolValueKind.Number)
        {
            var number = value.GetDouble();
            if ((parameter.Minimum is { } minimum && number < minimum) || (parameter.Maximum is { } maximum && number > maximum))
            {
                throw Invalid($"'{parameter.Name}' must be between {Format(parameter.Minimum)} and {Format(parameter.Maximum)}, got {number.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> is of <paramref name="kind"/>; strings and keys are read, so an unreadable one throws.</summary>
    /// <exception cref="InvalidOperationException">A string or key with a lone surrogate escape.</exception>
    private static bool Matches(ToolValueKind kind, JsonElement value) => kind switch
    {
        ToolValueKind.String => value.ValueKind == JsonValueKind.String && value.GetString() is not null,
        ToolValueKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,

        // JSON Schema counts 1280.0 as an integer, and some clients write every number that way.
        ToolValueKind.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var whole) && whole == Math.Floor(whole) && whole is >= int.MinValue and <= int.MaxValue,
        ToolValueKind.Number => value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()),
        ToolValueKind.StringList => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => Matches(ToolValueKind.String, item)),
        ToolValueKind.StringMap => value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(p => p.Name is not null && Matches(ToolValueKind.String, p.Value)),
        ToolValueKind.Rect => value.ValueKind == JsonValueKind.Object
            && value.EnumerateObject().All(p => JsonSchema.RectKeys.Contains(p.Name) && p.Value.ValueKind == JsonValueKind.Number && double.IsFinite(p.Value.GetDouble()))
            && JsonSchema.RectKeys.All(key => value.TryGetProperty(key, out _)),
        _ => false,
    };

    private static string Format(double? bound) => bound?.ToString(CultureInfo.InvariantCulture) ?? "any";

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
