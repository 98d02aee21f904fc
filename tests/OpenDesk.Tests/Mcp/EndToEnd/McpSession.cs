using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using OpenDesk.Tests.EndToEnd;

namespace OpenDesk.Tests.Mcp.EndToEnd;

/// <summary>The C# SDK's MCP client on the real <c>opendesk mcp</c>, over stdio (the process it starts) or Streamable HTTP.</summary>
internal sealed class McpSession : IAsyncDisposable
{
    private readonly StringBuilder _stderr = new();

    private McpSession(McpClient client) => Client = client;

    public McpClient Client { get; }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>opendesk mcp --home</c> through the repository's launcher with <paramref name="environment"/> over the test's own.</summary>
    public static async Task<McpSession> StartStdioAsync(string home, IReadOnlyDictionary<string, string> environment)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        McpSession? session = null;
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "opendesk",
            Command = OpendeskCli.LauncherPath,
            Arguments = ["mcp", "--home", home],
            EnvironmentVariables = variables,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            StandardErrorLines = line =>
            {
                if (session is not null)
                {
                    lock (session._stderr)
                    {
                        session._stderr.AppendLine(line);
                    }
                }
            },
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var client = await McpClient.CreateAsync(transport, cancellationToken: timeout.Token);
        session = new McpSession(client);
        return session;
    }

    public static async Task<McpSession> ConnectHttpAsync(Uri endpoint, string token)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return new McpSession(await McpClient.CreateAsync(transport, cancellationToken: timeout.Token));
    }

    /// <summary>Calls a tool; arguments are JSON text, so the test says exactly what goes on the wire.</summary>
    public async Task<ToolResult> CallAsync(string tool, string arguments = "{}")
    {
        using var document = JsonDocument.Parse(arguments);
        var args = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var result = await Client.CallToolAsync(tool, args, cancellationToken: timeout.Token);
        return new ToolResult(result);
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}

/// <summary>A tool's answer: its text parts joined, its image if any, and whether it is an error.</summary>
internal sealed class ToolResult(CallToolResult result)
{
    public bool IsError => result.IsError == true;

    public string Text => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    public ImageContentBlock? Image => result.Content.OfType<ImageContentBlock>().FirstOrDefault();

    public ToolResult Ok()
    {
        Assert.False(IsError, Text);
        return this;
    }

    public ToolResult Failed()
    {
        Assert.True(IsError, $"expected an error, got: {Text}");
        return this;
    }
}
