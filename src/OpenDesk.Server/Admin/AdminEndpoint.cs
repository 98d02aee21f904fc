using Microsoft.Extensions.Logging;
using OpenDesk.Trust;

namespace OpenDesk.Server.Admin;

/// <summary>
/// Where a serve's admin IPC lives and how to reach it (spec §20.1): a Unix domain socket, or a named pipe on
/// Windows. Only claiming, accepting and connecting differ between the two; framing, dispatch, timeouts and the
/// <c>pair</c> extension live in <see cref="AdminServer"/> and <see cref="AdminClient"/> and are shared.
/// </summary>
public abstract class AdminEndpoint
{
    /// <summary>How error messages name this kind of endpoint: <c>admin socket</c> or <c>admin pipe</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The socket's absolute path, or the pipe's <c>\\.\pipe\</c> path.</summary>
    public abstract string Address { get; }

    /// <summary>The endpoint of <paramref name="home"/>'s serve on this OS: a named pipe on Windows, the home's <c>admin.sock</c> elsewhere.</summary>
    public static AdminEndpoint Of(OpenDeskHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return OperatingSystem.IsWindows() ? NamedPipe(home.AdminPipeName) : UnixSocket(home.AdminSocketPath);
    }

    /// <summary>A Unix domain socket at <paramref name="path"/> (made absolute), normally <c>&lt;home&gt;/admin.sock</c>.</summary>
    public static AdminEndpoint UnixSocket(string path) => new UnixSocketAdminEndpoint(path);

    /// <summary>
    /// The named pipe <paramref name="name"/>, normally <see cref="OpenDeskHome.AdminPipeName"/>. Windows uses it;
    /// elsewhere .NET backs named pipes with Unix domain sockets, which lets tests run this endpoint anywhere.
    /// </summary>
    public static AdminEndpoint NamedPipe(string name) => new NamedPipeAdminEndpoint(name);

    /// <summary>E.g. <c>admin socket /home/me/.opendesk/admin.sock</c>, as messages cite the endpoint.</summary>
    public override string ToString() => $"{Kind} {Address}";

    /// <summary>
    /// Claims the endpoint for a new server and starts listening. A live server already answering on it makes
    /// this throw rather than take the endpoint over; leftovers of a crashed server are replaced.
    /// </summary>
    /// <exception cref="OpenDeskException">Another serve owns the endpoint, or it cannot be created.</exception>
    public abstract Task<AdminListener> ListenAsync(ILogger logger, CancellationToken cancellationToken);

    /// <summary>Opens one client connection to the server; the caller owns the returned stream.</summary>
    /// <exception cref="OpenDeskException">No server is listening (<see cref="NotRunning"/>), or connecting failed.</exception>
    public abstract Task<Stream> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Spec §20.4's text for a missing socket, naming this endpoint whatever its kind; the CLI prints it as is.</summary>
    protected OpenDeskException NotRunning(Exception? inner) =>
        new($"No opendesk {Kind} at {Address}.  Is `opendesk serve` running?", inner);

    /// <summary>Why a second serve with the same home refuses to start.</summary>
    protected OpenDeskException AlreadyRunning(Exception? inner = null) =>
        new($"another opendesk serve is already running with this home ({this} is live)", inner);
}

/// <summary>
/// The accepting side of a claimed <see cref="AdminEndpoint"/>. Disposing it stops listening and releases the
/// endpoint (deletes the socket file, frees the pipe name); connections already accepted are not affected. Not for concurrent use:
/// one accept at a time, and dispose only once the last accept has returned.
/// </summary>
public abstract class AdminListener : IAsyncDisposable
{
    /// <summary>
    /// Waits for the next connection from the user running serve and returns its stream, which the caller owns.
    /// Peers of other users are logged and dropped here, before a byte is read.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">A transient failure (e.g. out of file descriptors); accepting again may succeed.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">Likewise, from the socket layer.</exception>
    public abstract Task<Stream> AcceptAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
