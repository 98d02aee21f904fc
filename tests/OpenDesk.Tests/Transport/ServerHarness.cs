using System.Threading.Channels;
using OpenDesk.Server.Transport;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

/// <summary>A started <see cref="WebSocketServer"/> whose accepted connections the test can pick up and end.</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private readonly Channel<AcceptedConnection> _accepted = Channel.CreateUnbounded<AcceptedConnection>();

    private ServerHarness()
    {
    }

    public WebSocketServer Server { get; private set; } = null!;

    public int Port => Server.Port;

    public Uri Uri(string path = "/") => new($"ws://127.0.0.1:{Port}{path}");

    /// <summary>
    /// Options for tests: a short close timeout, because tests often close a connection whose peer has no receive
    /// pending, and such a peer never answers the close.
    /// </summary>
    public static TransportOptions Options() => new() { CloseTimeout = TimeSpan.FromMilliseconds(250) };

    public static async Task<ServerHarness> StartAsync(TransportOptions? options = null, string host = "127.0.0.1")
    {
        var harness = new ServerHarness();
        harness.Server = await WebSocketServer.StartAsync(host, 0, options ?? Options(), harness.OnConnectionAsync, CancellationToken.None);
        return harness;
    }

    /// <summary>The next connection the server accepted, waiting at most 5 s.</summary>
    public async Task<AcceptedConnection> AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await _accepted.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    private Task OnConnectionAsync(IMessageTransport transport, CancellationToken cancellationToken)
    {
        var connection = new AcceptedConnection(transport, cancellationToken);
        _accepted.Writer.TryWrite(connection);
        return connection.Done.Task.WaitAsync(cancellationToken);
    }
}
