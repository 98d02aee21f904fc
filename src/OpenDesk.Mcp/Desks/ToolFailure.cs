namespace OpenDesk.Mcp.Desks;

/// <summary>A failure whose message is written for the agent: what happened and what to do next. It becomes an error result, never a protocol error.</summary>
internal sealed class ToolFailure : Exception
{
    public ToolFailure(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
