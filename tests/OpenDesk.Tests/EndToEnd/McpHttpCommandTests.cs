using System.Globalization;
using System.Runtime.Versioning;

namespace OpenDesk.Tests.EndToEnd;

/// <summary><c>opendesk mcp --http</c> given addresses it cannot or should not listen on, and host names in any case.</summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed class McpHttpCommandTests : IDisposable
{
    private static readonly Dictionary<string, string> NoDisplay = new() { ["DISPLAY"] = "" };

    private readonly EndToEndScope _scope = new();

    [Fact]
    public async Task An_address_no_interface_of_this_machine_has_is_one_error_line_naming_it_and_what_to_give()
    {
        // 192.0.2.0/24 is reserved for documentation, so no machine running the tests has it.
        var result = await OpendeskCli.RunAsync(NoDisplay, "mcp", "--http", "192.0.2.1:8765", "--allow-remote", "--home", _scope.Home("h"));

        Assert.Equal(1, result.Exit);
        Assert.Equal(
            "ERROR: cannot listen on 192.0.2.1:8765: Cannot assign requested address; no network interface of this machine has that address; " +
            "give one it has (`ip addr` lists them), 127.0.0.1, or 0.0.0.0 for all",
            result.Err.Trim());
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("::1:8765")]
    [InlineData("[::1]")]
    public async Task An_ipv6_address_without_brackets_or_port_is_refused_with_the_form_to_use(string given)
    {
        var result = await OpendeskCli.RunAsync(NoDisplay, "mcp", "--http", given, "--home", _scope.Home("h"));

        Assert.Equal(1, result.Exit);
        Assert.Equal($"ERROR: --http takes an IPv6 address in brackets followed by the port, e.g. [::1]:8765; got '{given}'", result.Err.Trim());
    }

    [Fact]
    public async Task Localhost_in_capitals_listens_on_loopback()
    {
        var port = LocalPorts.Free().ToString(CultureInfo.InvariantCulture);

        var server = _scope.Start(NoDisplay, "mcp", "--http", $"LOCALHOST:{port}", "--home", _scope.Home("h"));

        await server.WaitForOutputAsync($"opendesk mcp listening on http://127.0.0.1:{port}/mcp");
    }

    public void Dispose() => _scope.Dispose();
}
