using ModelContextProtocol.Protocol;

namespace OpenDesk.Mcp.Tools;

/// <summary>What a tool answers: text and images in order, or an error an agent reads and acts on.</summary>
internal sealed class ToolOutput
{
    private readonly List<ContentBlock> _content = [];

    public bool IsError { get; private init; }

    public static ToolOutput Text(string text) => new ToolOutput().AddText(text);

    public static ToolOutput Error(string text) => new ToolOutput { IsError = true }.AddText(text);

    public ToolOutput AddText(string text)
    {
        _content.Add(new TextContentBlock { Text = text });
        return this;
    }

    public ToolOutput AddImage(byte[] data, string mimeType)
    {
        _content.Add(ImageContentBlock.FromBytes(data, mimeType));
        return this;
    }

    public ToolOutput Append(ToolOutput other)
    {
        _content.AddRange(other._content);
        return this;
    }

    public CallToolResult ToResult() => new() { Content = [.. _content], IsError = IsError ? true : null };
}
