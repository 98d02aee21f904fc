using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using OpenDesk.Cli.Mcp;
using OpenDesk.Mcp;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// <c>opendesk mcp</c>: the MCP server for AI clients, over stdio (or Streamable HTTP with <c>--http</c>), and
/// <c>mcp install|uninstall</c>, which add it to or remove it from a client's configuration.
/// </summary>
internal static class McpCommand
{
    private static readonly string[] Scopes = ["user", "project"];

    public static Command Create()
    {
        var http = new Option<string?>("--http") { Description = "serve Streamable HTTP on HOST:PORT (e.g. 127.0.0.1:8765) instead of stdio; clients send the bearer token from <home>/mcp-token" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "allow --http on an address other than loopback (the token, sent in clear text, is then all that guards this machine and your desks)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log debug detail on stderr" };
        var command = new Command(
            "mcp",
            "Run the MCP server for AI clients (Claude Code, Claude Desktop, Cursor): computer-use tools on your paired desks and this machine. stdio by default.");
        command.Options.Add(http);
        command.Options.Add(allowRemote);
        command.Options.Add(verbose);
        command.Subcommands.Add(CreateInstall(install: true));
        command.Subcommands.Add(CreateInstall(install: false));
        command.SetAction(async (parse, ct) =>
        {
            var home = Cli.HomeOf(parse);
            IPAddress? address = null;
            var port = 0;
            if (parse.GetValue(http) is { } endpoint)
            {
                if (!McpHttpEndpoint.TryParse(endpoint, out address, out port, out var error))
                {
                    return Cli.Error(error);
                }

                if (!IPAddress.IsLoopback(address) && !parse.GetValue(allowRemote))
                {
                    return Cli.Error(
                        $"refusing to listen on {address}: the MCP endpoint drives this machine and your paired desks. Use 127.0.0.1, or pass --allow-remote " +
                        "if other machines must reach it (the bearer token then travels in clear text, so only on a network you trust)");
                }
            }

            // stdout belongs to the protocol over stdio: every log line goes to stderr.
            using var loggers = CreateLoggerFactory(parse.GetValue(verbose));
            var logger = loggers.CreateLogger("opendesk.mcp");
            await using var local = new LocalDesktop(logger);
            await using var server = new OpenDeskMcpServer(new OpenDeskMcpOptions
            {
                Home = home.Path,
                OpenLocalDesktop = local.OpenAsync,
                LoggerFactory = loggers,
            });
            if (address is null)
            {
                try
                {
                    await server.RunStdioAsync(ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                }

                return 0;
            }

            string token;
            try
            {
                token = McpToken.LoadOrCreate(home);
            }
            catch (Exception ex) when (ex is OpenDeskException or IOException or UnauthorizedAccessException)
            {
                return Cli.Error(ex.Message);
            }

            return await McpHttpEndpoint.RunAsync(server, address, port, token, McpToken.PathIn(home), loggers, ct);
        });
        return command;
    }

    private static Command CreateInstall(bool install)
    {
        var client = new Argument<string>("client") { Description = "the MCP client: claude-code, claude-desktop or cursor" };
        client.AcceptOnlyFromAmong([.. McpClient.All.Select(c => c.Id)]);
        var scope = new Option<string>("--scope") { Description = "user: every project of this user; project: the current directory's project", DefaultValueFactory = _ => "user" };
        scope.AcceptOnlyFromAmong(Scopes);
        var command = install
            ? new Command("install", "Add opendesk to an MCP client's configuration (idempotent; other servers are kept)")
            : new Command("uninstall", "Remove opendesk from an MCP client's configuration");
        command.Arguments.Add(client);
        command.Options.Add(scope);
        command.SetAction(parse =>
        {
            var target = McpClient.All.Single(c => c.Id == parse.GetValue(client));
            var home = parse.GetValue(Cli.Home) is null ? null : Cli.HomeOf(parse).Path;
            var places = new McpConfigPlaces(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Directory.GetCurrentDirectory());
            return Run(target, parse.GetValue(scope)!, install, places, SelfProgram.Current(), home, ProgramOutcome.Run, FindOnPath("claude"), Console.Out);
        });
        return command;
    }

    /// <summary>
    /// Installs or removes the entry. For Claude Code, its own <c>claude mcp</c> command does it when it is on PATH
    /// (it knows where its configuration lives); when that fails (the entry is there already, or is not, or
    /// <c>claude</c> itself fails) the JSON file is edited directly, which updates an entry in place.
    /// </summary>
    internal static int Run(McpClient client, string scope, bool install, McpConfigPlaces places, IReadOnlyList<string> program, string? home, ProgramRunner run, string? claude, TextWriter output)
    {
        if (client.ConfigPath(scope, places.UserHome, places.WorkingDirectory) is not { } path)
        {
            return Cli.Error($"{client.Name} has no {scope} scope; use --scope user");
        }

        var entry = McpClientConfig.Entry(client, program, home);
        if (client == McpClient.ClaudeCode && claude is not null)
        {
            // Never remove before adding: if the add then failed, a working entry would be gone. `claude mcp add`
            // refuses a name it has, so a reinstall goes on to update the file in place.
            string[] arguments = install
                ? ["mcp", "add", "--scope", scope, McpClientConfig.ServerKey, "--", .. program, "mcp", .. home is null ? Array.Empty<string>() : ["--home", home]]
                : ["mcp", "remove", "--scope", scope, McpClientConfig.ServerKey];
            var outcome = run(claude, arguments);
            if (outcome.Succeeded)
            {
                output.WriteLine(install
                    ? $"✓ Added opendesk to {client.Name} ({scope} scope) with `claude mcp add`."
                    : $"✓ Removed opendesk from {client.Name} ({scope} scope) with `claude mcp remove`.");
                return 0;
            }

            output.WriteLine(install
                ? $"`claude mcp add` did not add it ({outcome.Describe()}); writing {path} instead."
                : $"`claude mcp remove` did not remove it ({outcome.Describe()}); looking in {path} instead.");
        }

        try
        {
            var change = install ? McpClientConfig.Install(path, entry) : McpClientConfig.Uninstall(path);
            output.WriteLine(change switch
            {
                McpClientConfig.Change.Added => $"✓ Added opendesk to {client.Name} ({scope} scope): {path}",
                McpClientConfig.Change.Updated => $"✓ Updated opendesk in {client.Name} ({scope} scope): {path}",
                McpClientConfig.Change.Unchanged => $"✓ opendesk is already in {client.Name} ({scope} scope): {path}",
                McpClientConfig.Change.Removed => $"✓ Removed opendesk from {client.Name} ({scope} scope): {path}",
                _ => $"opendesk was not in {client.Name} ({scope} scope): {path}",
            });
            if (install && change != McpClientConfig.Change.Unchanged)
            {
                output.WriteLine($"  Restart {client.Name} (or reload its MCP servers) to use it.");
            }

            return 0;
        }
        catch (OpenDeskException ex)
        {
            return Cli.Error(ex.Message);
        }
    }

    /// <summary>Log lines on stderr; the SDK's and ASP.NET's per-request lines only with --verbose.</summary>
    private static ILoggerFactory CreateLoggerFactory(bool verbose) =>
        LoggerFactory.Create(builder =>
        {
            var level = verbose ? LogLevel.Debug : LogLevel.Information;
            builder.SetMinimumLevel(level);
            builder.AddFilter("Microsoft", LogLevel.Warning);
            builder.AddFilter("ModelContextProtocol", verbose ? LogLevel.Debug : LogLevel.Warning);

            // The host's one error, a listener that failed to start, is reported as a single ERROR line by the endpoint.
            builder.AddFilter("Microsoft.Extensions.Hosting", verbose ? LogLevel.Debug : LogLevel.None);
            builder.AddProvider(new StderrLoggerProvider(level));
        });

    private static string? FindOnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? program + ".exe" : program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
