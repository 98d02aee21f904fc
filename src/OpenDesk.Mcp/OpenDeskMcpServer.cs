using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using OpenDesk.Mcp.Desks;
using OpenDesk.Mcp.Tools;

namespace OpenDesk.Mcp;

/// <summary>
/// An MCP server whose tools drive paired desks over opendesk, or this machine: screenshot, mouse, keyboard, ui,
/// windows, apps, clipboard, files, shell, exec and wait, plus the <c>opendesk_*</c> admin tools. Every
/// computer-use tool takes <c>peer</c>; without it calls go to the desk chosen with <c>opendesk_use</c>, else the
/// only paired desk, else this machine when no desk is paired. Connections open on first use and are shared by
/// every MCP session of this server, since a desk serves one controller at a time; each session keeps its own
/// choice and its own last screenshot, whose space its coordinates are read in. Failures (a busy desk, an
/// eviction, a revoked pairing) come back as tool errors that say what to do, never as protocol errors.
/// </summary>
public sealed class OpenDeskMcpServer : IAsyncDisposable
{
    /// <summary>The name this server gives MCP clients.</summary>
    public const string ServerName = "opendesk";

    /// <summary>MCP sessions remembered at once; each holds little besides the last screenshot's frame and listed elements.</summary>
    private const int MaxSessions = 64;

    private const string Instructions =
        "opendesk drives real desktops: this machine ('local') and desks paired with it. Start with screenshot; coordinates for mouse are read " +
        "in the last screenshot's pixels and mapped back. screenshot with marks: true numbers the interactive elements, and mouse or ui with " +
        "mark: N acts on one. ui find/invoke acts on widgets by role and name without coordinates. Action tools take screenshot_after to act and look " +
        "in one call. opendesk_peers lists the desks; pass peer to choose one per call, or opendesk_use to set the default. A desk serves one " +
        "controller at a time: when it is busy, wait or ask its owner.";

    private readonly DeskConnections _connections;

    /// <summary>The router of each MCP session with an id (Streamable HTTP), by id; stdio's one session uses <see cref="_router"/>.</summary>
    private readonly Dictionary<string, DeskRouter> _sessions = new(StringComparer.Ordinal);

    /// <summary>Session ids from least to most recently used, to forget the oldest past <see cref="MaxSessions"/>.</summary>
    private readonly LinkedList<string> _sessionOrder = [];
    private readonly DeskRouter _router;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ListToolsResult _tools;

    public OpenDeskMcpServer(OpenDeskMcpOptions? options = null)
    {
        options ??= new OpenDeskMcpOptions();
        _loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger("opendesk.mcp");
        _connections = new DeskConnections(options, _logger);
        _router = new DeskRouter(_connections);
        _tools = new ListToolsResult { Tools = [.. ToolCatalog.All.Select(t => t.ToProtocol())] };
    }

    /// <summary>Sets the server's identity, capabilities and handlers on options an MCP transport host creates (the HTTP endpoint does).</summary>
    public void Configure(McpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ServerInfo = new Implementation { Name = ServerName, Title = "opendesk", Version = Version };
        options.ServerInstructions = Instructions;
        options.Capabilities ??= new ServerCapabilities();
        options.Capabilities.Tools ??= new ToolsCapability();
        options.Handlers.ListToolsHandler = (_, _) => ValueTask.FromResult(_tools);
        options.Handlers.CallToolHandler = async (request, cancellationToken) =>
            await CallToolAsync(request.Params?.Name ?? "", request.Params?.Arguments, cancellationToken, request.Server.SessionId).ConfigureAwait(false);
    }

    /// <summary>Serves one MCP session over standard input and output until the client closes it or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunStdioAsync(CancellationToken cancellationToken = default)
    {
        var options = new McpServerOptions();
        Configure(options);
        await using var transport = new StdioServerTransport(options, _loggers);
        await RunAsync(transport, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves one MCP session over a pair of streams (newline-delimited JSON-RPC, as stdio).</summary>
    public async Task RunAsync(Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        var options = new McpServerOptions();
        Configure(options);
        await using var transport = new StreamServerTransport(input, output, ServerName, _loggers);
        await RunAsync(transport, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes every connection to a desk. A local desktop is the caller's to dispose.</summary>
    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    internal static string Version { get; } =
        typeof(OpenDeskMcpServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// Runs one tool call: arguments checked, desk resolved, then the tool; every failure becomes an error result with
    /// advice. <paramref name="session"/> is the MCP session the call came in, whose choices and last screenshot it uses;
    /// calls without one share a session of their own.
    /// </summary>
    internal async Task<CallToolResult> CallToolAsync(string name, IDictionary<string, System.Text.Json.JsonElement>? arguments, CancellationToken cancellationToken, string? session = null)
    {
        var router = session is null ? _router : RouterOf(session);
        if (!ToolCatalog.ByName.TryGetValue(name, out var tool))
        {
            throw new McpProtocolException($"Unknown tool '{name}'; tools/list names the tools.", McpErrorCode.InvalidParams);
        }

        Desk? desk = null;
        ToolCall? call = null;
        try
        {
            var args = new ToolArguments(name, tool.Parameters, arguments);
            var needsDesk = tool.OnDesk && (tool != WaitTool.Definition || args.Bool(Common.ScreenshotAfter.Name));
            desk = needsDesk ? await router.ResolveAsync(args.String(Common.Peer.Name), cancellationToken).ConfigureAwait(false) : null;
            call = new ToolCall(tool, args, router, desk, cancellationToken);
            var output = await tool.RunAsync(call).ConfigureAwait(false);
            if (desk is not null && args.Bool(Common.ScreenshotAfter.Name) && !output.IsError)
            {
                output.Append(await ScreenshotAfterAsync(call).ConfigureAwait(false));
            }

            return output.ToResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ToolFailure failure)
        {
            return ToolOutput.Error(failure.Message).ToResult();
        }
        catch (Exception ex) when (desk is not null && call is not null)
        {
            _logger.LogDebug("{Tool} failed on {Desk} in {Method}: {Error}", name, desk.Name, call.Method, ex.Message);
            var text = DeskErrors.CallFailure(desk, call.Method, ex);
            if (ex is SessionEvictedException)
            {
                await router.ForgetAsync(desk).ConfigureAwait(false);
            }
            else if (desk.Remote is { Disconnected.IsCompleted: true, IsEvicted: false } lost)
            {
                // Reconnecting within the call failed (spec §19.3 keeps retrying through BUSY and refusals and then
                // reports only the lost connection): a fresh connection says what is really the matter.
                text += " " + await router.ReconnectAfterLossAsync(desk, lost, cancellationToken).ConfigureAwait(false);
            }

            return ToolOutput.Error(text).ToResult();
        }
        catch (Exception ex) when (ex is OpenDeskException or IOException or UnauthorizedAccessException)
        {
            return ToolOutput.Error($"{name} failed: {ex.Message}").ToResult();
        }
#pragma warning disable CA1031 // An agent gets a message it can report, never a stack trace; the log keeps the detail.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "{Tool} failed unexpectedly", name);
            return ToolOutput.Error($"{name} failed inside opendesk mcp ({ex.Message}). This is a bug; the server's log has the details.").ToResult();
        }
    }

    /// <summary>
    /// The router of the MCP session <paramref name="sessionId"/>. The transport does not say when a session ends, so
    /// the least recently used are forgotten past <see cref="MaxSessions"/>; a forgotten agent starts afresh (it
    /// takes a new screenshot), while the connections stay.
    /// </summary>
    private DeskRouter RouterOf(string sessionId)
    {
        lock (_sessions)
        {
            if (_sessions.TryGetValue(sessionId, out var router))
            {
                _sessionOrder.Remove(sessionId);
            }
            else
            {
                _sessions[sessionId] = router = new DeskRouter(_connections);
                if (_sessionOrder.Count >= MaxSessions)
                {
                    _sessions.Remove(_sessionOrder.First!.Value);
                    _sessionOrder.RemoveFirst();
                }
            }

            _sessionOrder.AddLast(sessionId);
            return router;
        }
    }

    private static async Task<ToolOutput> ScreenshotAfterAsync(ToolCall call)
    {
        var settle = call.Args.Int(Common.SettleMs.Name) ?? (call.Tool == WaitTool.Definition ? 0 : Common.DefaultSettleMs);
        await Task.Delay(settle, call.CancellationToken).ConfigureAwait(false);
        try
        {
            return await ScreenshotTool.CaptureAsync(call, new ScreenshotTool.Request()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !call.CancellationToken.IsCancellationRequested)
        {
            var reason = ex is ToolFailure ? ex.Message : DeskErrors.CallFailure(call.Desk, call.Method, ex);
            return ToolOutput.Text($"(The action was done; the screenshot after it failed: {reason})");
        }
    }

    private async Task RunAsync(ITransport transport, McpServerOptions options, CancellationToken cancellationToken)
    {
        await using var server = McpServer.Create(transport, options, _loggers);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
