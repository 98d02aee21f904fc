using System.Net;
using System.Text.RegularExpressions;
using OpenDesk.Tests.EndToEnd;
using OpenDesk.Tests.Linux.Display;

namespace OpenDesk.Tests.Mcp.EndToEnd;

/// <summary><c>opendesk mcp --http</c>: Streamable HTTP behind the bearer token of a 0600 file, on loopback unless told otherwise.</summary>
[Collection(nameof(EndToEndCollection))]
public sealed partial class McpHttpTests(McpDeskFixture desk) : IClassFixture<McpDeskFixture>
{
    [XvfbFact]
    public async Task The_sdk_client_drives_the_desk_over_http_with_the_token()
    {
        var server = desk.Scope.Start(McpDeskFixture.Headless, "mcp", "--http", "127.0.0.1:0", "--home", desk.LaptopHome);
        await server.WaitForOutputAsync("opendesk mcp listening on", 120);
        var endpoint = new Uri(Listening().Match(server.Output).Groups[1].Value);
        var tokenPath = Path.Combine(desk.LaptopHome, "mcp-token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenPath));
        var token = (await File.ReadAllTextAsync(tokenPath)).Trim();
        Assert.Contains(tokenPath, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, server.Output, StringComparison.Ordinal);

        using (var http = new HttpClient())
        {
            using var anonymous = await http.PostAsync(endpoint, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", new string('0', token.Length));
            using var refused = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await using var mcp = await McpSession.ConnectHttpAsync(endpoint, token);
        var tools = await mcp.Client.ListToolsAsync();
        foreach (var tool in tools)
        {
            ToolSchemaAssert.Valid(tool.Name, tool.ProtocolTool.InputSchema);
        }

        var shot = (await mcp.CallAsync("screenshot")).Ok();
        Assert.Contains("Screenshot of desk 'desk': image 1280x720", shot.Text, StringComparison.Ordinal);
        Assert.NotNull(shot.Image);
    }

    [XvfbFact]
    public async Task A_non_loopback_address_is_refused_unless_allowed()
    {
        var refused = await OpendeskCli.RunAsync("mcp", "--http", "0.0.0.0:0", "--home", desk.LaptopHome);
        Assert.Equal(1, refused.Exit);
        Assert.StartsWith("ERROR: refusing to listen on 0.0.0.0", refused.Err, StringComparison.Ordinal);
        Assert.Contains("--allow-remote", refused.Err, StringComparison.Ordinal);

        var bad = await OpendeskCli.RunAsync("mcp", "--http", "nonsense", "--home", desk.LaptopHome);
        Assert.Equal(1, bad.Exit);
        Assert.Contains("--http takes HOST:PORT", bad.Err, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"opendesk mcp listening on (http://\S+)")]
    private static partial Regex Listening();
}
