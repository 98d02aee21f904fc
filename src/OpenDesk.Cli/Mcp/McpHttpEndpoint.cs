using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenDesk.Mcp;

namespace OpenDesk.Cli.Mcp;

/// <summary>
/// <c>opendesk mcp --http</c>: the MCP server over Streamable HTTP at <c>/mcp</c>, for clients that prefer it.
/// Every request must carry the bearer token of <see cref="McpToken"/>.
/// </summary>
internal static class McpHttpEndpoint
{
    public const string Path = "/mcp";

    /// <summary>Parses <c>HOST:PORT</c>, <c>[IPv6]:PORT</c> or a bare port (on 127.0.0.1).</summary>
    public static bool TryParse(string text, out IPAddress address, out int port, out string error)
    {
        address = IPAddress.Loopback;
        port = 0;
        error = "";
        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? "127.0.0.1" : text[..colon].Trim('[', ']');
        var portText = colon < 0 ? text : text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            error = $"--http takes HOST:PORT (e.g. 127.0.0.1:8765), got '{text}'";
            return false;
        }

        if (host == "localhost")
        {
            address = IPAddress.Loopback;
            return true;
        }

        if (!IPAddress.TryParse(host, out var parsed))
        {
            error = $"--http needs an IP address to listen on (or localhost), got '{host}'";
            return false;
        }

        address = parsed;
        return true;
    }

    public static async Task<int> RunAsync(OpenDeskMcpServer server, IPAddress address, int port, string token, string tokenPath, ILoggerFactory loggers, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, port));
        builder.Services.AddMcpServer(server.Configure).WithHttpTransport();
        await using var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (!McpToken.Matches(context.Request.Headers.Authorization, token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsync($"opendesk mcp needs the bearer token from {tokenPath} (Authorization: Bearer <token>)\n", ct);
                return;
            }

            await next(context);
        });
        app.MapMcp(Path);

        var logger = loggers.CreateLogger("opendesk.mcp");
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex)
        {
            return Cli.Error($"cannot listen on {address}:{port}: {ex.Message}");
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? $"http://{address}:{port}";
        logger.LogInformation("clients authenticate with the bearer token in {Path}", tokenPath);
        Console.WriteLine($"opendesk mcp listening on {bound}{Path}");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}
