using ModelContextProtocol.Protocol;
using OpenDesk.Computer;

namespace OpenDesk.Mcp.Tools;

/// <summary>
/// One MCP tool: its schema, the wire methods it may call and how it runs. Its read-only, destructive and
/// idempotent hints come from those methods' rows in the method table.
/// </summary>
internal sealed class ToolDefinition
{
    public required string Name { get; init; }

    public required string Title { get; init; }

    public required string Description { get; init; }

    /// <summary>The wire methods the tool may call; they decide its annotations.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    public required IReadOnlyList<ToolParameter> Parameters { get; init; }

    /// <summary>Whether the tool drives a desk (it takes <c>peer</c>, and the call resolves a desk before it runs).</summary>
    public bool OnDesk { get; init; }

    /// <summary>For tools that call no wire method (the admin tools): whether they only read.</summary>
    public bool ReadOnly { get; init; }

    public required Func<ToolCall, Task<ToolOutput>> RunAsync { get; init; }

    public Tool ToProtocol()
    {
        var rows = Methods.Select(OpenDesk.Computer.Methods.Get).ToList();
        var readOnly = rows.Count == 0 ? ReadOnly : rows.All(m => m.Class == MethodClass.Observation);
        return new Tool
        {
            Name = Name,
            Title = Title,
            Description = Description,
            InputSchema = JsonSchema.ForParameters(Parameters),
            Annotations = new ToolAnnotations
            {
                Title = Title,
                ReadOnlyHint = readOnly,
                DestructiveHint = !readOnly && rows.Any(m => m.Destructive),
                IdempotentHint = readOnly,
                OpenWorldHint = OnDesk,
            },
        };
    }
}
