using OpenDesk.Computer;
using OpenDesk.Mcp.Desks;

namespace OpenDesk.Mcp.Tools;

/// <summary>One running tool call: its arguments, the desk it drives and the wire method it is on, for error messages.</summary>
internal sealed class ToolCall(ToolDefinition tool, ToolArguments arguments, DeskRouter router, Desk? desk, CancellationToken cancellationToken)
{
    public ToolDefinition Tool { get; } = tool;

    public ToolArguments Args { get; } = arguments;

    public DeskRouter Router { get; } = router;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The desk; only for tools that drive one.</summary>
    public Desk Desk => desk ?? throw new InvalidOperationException($"{Tool.Name} drives no desk");

    /// <summary>The wire method the call is on now; named in the error if it fails.</summary>
    public string Method { get; private set; } = tool.Methods.FirstOrDefault() ?? tool.Name;

    /// <summary>"this machine" or "desk 'name'", for result texts.</summary>
    public string Where => Desk.IsLocal ? "this machine" : $"desk '{Desk.Name}'";

    /// <summary>The desk's computer, noting that <paramref name="method"/> is what runs next.</summary>
    public IComputer On(string method)
    {
        Method = method;
        return Desk.Computer;
    }
}
