using System.IO.Pipes;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OpenDesk.Protocol;
using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Admin;

/// <summary>
/// A private directory (mode 0700, short enough for the 108-byte socket path limit) holding
/// <c>admin.sock</c>, or with <see cref="OnNamedPipe"/> a named pipe no other test uses, and raw-connection
/// helpers for clients that misbehave on purpose.
/// </summary>
internal sealed class AdminFixture : IAsyncDisposable
{
    /// <summary>No single step of these tests legitimately takes this long; hitting it means a hang.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public AdminFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("odadm-").FullName;
        SocketPath = Path.Combine(Directory, "admin.sock");
        Endpoint = AdminEndpoint.UnixSocket(SocketPath);
    }

    private AdminFixture(string pipeName)
        : this()
    {
        PipeName = pipeName;
        Endpoint = AdminEndpoint.NamedPipe(pipeName);
    }

    public string Directory { get; }

    public string SocketPath { get; }

    public AdminEndpoint Endpoint { get; }

    /// <summary>Set when the fixture serves on a named pipe rather than on <see cref="SocketPath"/>.</summary>
    public string? PipeName { get; }

    /// <summary>A fixture whose server and clients use a named pipe with a fresh name.</summary>
    public static AdminFixture OnNamedPipe() => new(UniquePipeName());

    public static string UniquePipeName() => "opendesk-admin-test-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Where .NET keeps the Unix domain socket behind a named pipe outside Windows; tests look at it to prove a
    /// server leaves nothing behind in the shared temp directory.
    /// </summary>
    public static string PipeSocketPath(string pipeName) => Path.Combine(Path.GetTempPath(), "CoreFxPipe_" + pipeName);

    public FakeAdminOperations Operations { get; } = new();

    public AdminServer? Server { get; private set; }

    public async Task<AdminServer> StartAsync(TimeSpan? requestTimeout = null, ILogger? logger = null)
    {
        Server = await AdminServer.StartAsync(Endpoint, Operations, logger, requestTimeout ?? AdminServer.DefaultRequestTimeout, CancellationToken.None);
        return Server;
    }

    public Task<MsgMap> RequestAsync(MsgMap request) =>
        AdminClient.RequestAsync(Endpoint, request, CancellationToken.None).WaitAsync(Patience);

    public async Task<Socket> ConnectRawAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }

    /// <summary>A raw connection to whichever endpoint this fixture serves on.</summary>
    public async Task<Stream> ConnectRawStreamAsync()
    {
        if (PipeName is null)
        {
            return new NetworkStream(await ConnectRawAsync(), ownsSocket: true);
        }

        var pipe = new NamedPipeClientStream(".", PipeName, PipeDirection.InOut, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
        await pipe.ConnectAsync(Patience, CancellationToken.None);
        return pipe;
    }

    /// <summary>Everything the server sends until it closes the connection.</summary>
    public static async Task<byte[]> ReadToCloseAsync(Stream stream)
    {
        using var received = new MemoryStream();
        using var deadline = new CancellationTokenSource(Patience);
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // Closing with our extra request unread resets the connection; the reply before it still counts.
        }

        return received.ToArray();
    }

    /// <summary>Everything the server sends until it closes the connection.</summary>
    public static async Task<byte[]> ReadToCloseAsync(Socket socket)
    {
        using var received = new MemoryStream();
        using var deadline = new CancellationTokenSource(Patience);
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closing with our extra request unread resets the connection; the reply before it still counts.
        }

        return received.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);

        // A passing test has already seen the server remove it; this only keeps a failed one from littering the temp directory.
        if (PipeName is not null && !OperatingSystem.IsWindows())
        {
            File.Delete(PipeSocketPath(PipeName));
        }
    }
}
