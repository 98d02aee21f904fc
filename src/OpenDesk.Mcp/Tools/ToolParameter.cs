using OpenDesk.Computer;

namespace OpenDesk.Mcp.Tools;

/// <summary>The JSON kind of a tool argument.</summary>
internal enum ToolValueKind
{
    String,
    Boolean,
    Integer,
    Number,
    StringList,
    StringMap,

    /// <summary>An object with <c>x</c>, <c>y</c>, <c>width</c> and <c>height</c> (spec §17 Rect).</summary>
    Rect,
}

/// <summary>
/// One argument of a tool: its JSON schema and how calls are checked. Arguments that carry a wire param are made
/// from the method table's row (<see cref="FromMethod"/>), so names, types, defaults and descriptions are not
/// written twice.
/// </summary>
internal sealed record ToolParameter(string Name, ToolValueKind Kind, string Description)
{
    public bool Required { get; init; }

    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>A default shown in the schema: a string, bool, long or double.</summary>
    public object? Default { get; init; }

    public double? Minimum { get; init; }

    public double? Maximum { get; init; }

    /// <summary>The wire param <paramref name="name"/> of <paramref name="method"/>, under <paramref name="rename"/> when the tool calls it otherwise.</summary>
    public static ToolParameter FromMethod(string method, string name, string? rename = null, string? description = null)
    {
        var descriptor = Methods.Get(method);
        var parameter = descriptor.Parameters.FirstOrDefault(p => p.Name == name)
            ?? throw new ArgumentException($"{method} has no param '{name}'", nameof(name));
        var kind = parameter.Type switch
        {
            ParameterType.String or ParameterType.Bytes => ToolValueKind.String,
            ParameterType.Boolean => ToolValueKind.Boolean,
            ParameterType.Integer => ToolValueKind.Integer,
            ParameterType.Number => ToolValueKind.Number,
            ParameterType.StringList => ToolValueKind.StringList,
            ParameterType.StringMap => ToolValueKind.StringMap,
            ParameterType.Value when parameter.ValueType == typeof(Rect) => ToolValueKind.Rect,
            _ => throw new ArgumentException($"{method}'s param '{name}' has no JSON form", nameof(name)),
        };
        return new ToolParameter(rename ?? name, kind, description ?? parameter.Description)
        {
            Choices = parameter.Choices,
            Default = parameter.Default switch
            {
                int number => (long)number,
                bool or string or long or double => parameter.Default,
                _ => null,
            },
        };
    }
}
