using System.Net;
using OpenDesk.Cli.Mcp;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Cli;

/// <summary>The MCP HTTP endpoint's bearer token file and the address it listens on.</summary>
public sealed class McpTokenTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"od-tok-{Guid.NewGuid().ToString("N")[..8]}");

    public McpTokenTests() => Directory.CreateDirectory(_directory);

    private OpenDeskHome Home => new(_directory);

    [Fact]
    public void The_token_is_made_once_owner_only_and_kept_across_starts()
    {
        var token = McpToken.LoadOrCreate(Home);

        var path = McpToken.PathIn(Home);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(64, token.Length);
        Assert.Equal(token, McpToken.LoadOrCreate(Home));
        Assert.NotEqual(token, McpToken.LoadOrCreate(new OpenDeskHome(Directory.CreateDirectory(Path.Combine(_directory, "other")).FullName)));
    }

    [Fact]
    public void Processes_starting_at_once_never_read_a_token_half_made_and_all_use_the_one_that_won()
    {
        const int Racers = 8;
        for (var round = 0; round < 25; round++)
        {
            var home = new OpenDeskHome(Directory.CreateDirectory(Path.Combine(_directory, $"race-{round}")).FullName);
            using var start = new Barrier(Racers);
            var tokens = new string[Racers];
            var racers = Enumerable.Range(0, Racers).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                tokens[i] = McpToken.LoadOrCreate(home);
            })).ToList();
            racers.ForEach(t => t.Start());
            racers.ForEach(t => t.Join());

            Assert.Single(tokens.Distinct());
            Assert.Equal(tokens[0] + "\n", File.ReadAllText(McpToken.PathIn(home)));
            Assert.Equal([McpToken.FileName], Directory.GetFiles(home.Path).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void A_token_file_others_can_read_is_refused_and_left_alone()
    {
        var token = McpToken.LoadOrCreate(Home);
        var path = McpToken.PathIn(Home);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var refused = Assert.Throws<OpenDeskException>(() => McpToken.LoadOrCreate(Home));
        Assert.Contains($"chmod 600 {path}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(token + "\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_file_without_a_token_says_to_delete_it()
    {
        var path = McpToken.PathIn(Home);
        File.WriteAllText(path, "short\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Contains("does not hold a token", Assert.Throws<OpenDeskException>(() => McpToken.LoadOrCreate(Home)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer 0123456789abcdef0123456789abcdef", true)]
    [InlineData("bearer  0123456789abcdef0123456789abcdef ", true)]
    [InlineData("Bearer 0123456789abcdef0123456789abcdee", false)]
    [InlineData("Bearer 0123456789abcdef", false)]
    [InlineData("Basic 0123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_the_exact_token_as_a_bearer_credential_matches(string? header, bool matches)
    {
        Assert.Equal(matches, McpToken.Matches(header, "0123456789abcdef0123456789abcdef"));
    }

    [Theory]
    [InlineData("127.0.0.1:8765", "127.0.0.1", 8765)]
    [InlineData("localhost:80", "127.0.0.1", 80)]
    [InlineData("LocalHost:80", "127.0.0.1", 80)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("0.0.0.0:0", "0.0.0.0", 0)]
    [InlineData("8765", "127.0.0.1", 8765)]
    public void Listen_addresses_parse(string text, string address, int port)
    {
        Assert.True(McpHttpEndpoint.TryParse(text, out var parsed, out var parsedPort, out var error), error);
        Assert.Equal(IPAddress.Parse(address), parsed);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("example.com:80")]
    [InlineData("127.0.0.1:")]
    [InlineData("")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    [InlineData("[::1]8765")]
    [InlineData("[::1:8765")]
    public void Bad_listen_addresses_are_refused_with_the_form_expected(string text)
    {
        Assert.False(McpHttpEndpoint.TryParse(text, out _, out _, out var error));
        Assert.StartsWith("--http ", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
