using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
        string host;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !text.AsSpan(close + 1).StartsWith(":"))
            {
                error = $"--http takes an IPv6 address in brackets followed by the port, e.g. [::1]:8765; got '{text}'";
                return false;
            }

            host = text[1..close];
            portText = text[(close + 2)..];
        }
        else if (text.Count(c => c == ':') > 1)
        {
            // Without brackets, where an IPv6 address ends and the port begins is a guess.
            error = $"--http takes an IPv6 address in brackets followed by the port, e.g. [::1]:8765; got '{text}'";
            return false;
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? "127.0.0.1" : text[..colon];
            portText = colon < 0 ? text : text[(colon + 1)..];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            error = $"--http takes HOST:PORT (e.g. 127.0.0.1:8765), got '{text}'";
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
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
            return Cli.Error($"cannot listen on {new IPEndPoint(address, port)}: {ex.Message}");
        }
        catch (SocketException ex)
        {
            return Cli.Error($"cannot listen on {new IPEndPoint(address, port)}: {ex.Message}; {BindAdvice(ex.SocketErrorCode)}");
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

    private static string BindAdvice(SocketError error) => error switch
    {
        SocketError.AddressNotAvailable => "no network interface of this machine has that address; give one it has (`ip addr` lists them), 127.0.0.1, or 0.0.0.0 for all",
        SocketError.AccessDenied => "ports below 1024 need privileges; choose a port of 1024 or above",
        _ => "choose another address or port with --http",
    };
}
