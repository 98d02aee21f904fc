using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OpenDesk.Server.Admin;

/// <summary>
/// The admin endpoint on Linux and macOS (spec §20.1): a Unix domain socket, mode 0600, whose accepted peers
/// must have the uid of the user running serve.
/// </summary>
internal sealed class UnixSocketAdminEndpoint : AdminEndpoint
{
    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode HomeMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Connecting to a live server is instant; a probe that hangs means a server too busy to accept.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public UnixSocketAdminEndpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Address = Path.GetFullPath(path);
    }

    public override string Kind => "admin socket";

    public override string Address { get; }

    /// <summary>
    /// Binds the socket and starts listening. A leftover socket file from a crashed server is replaced; one that
    /// a live server still answers on makes this throw instead, because unlinking it would silently orphan that
    /// server's admin channel (the upstream quirk of §20.1).
    /// </summary>
    /// <remarks>
    /// A missing parent directory is created with mode 0700. An existing one, normally the opendesk home, is left
    /// with whatever mode its owner chose: the socket's own 0600 mode and the peer-uid check protect the channel.
    /// Two servers starting in the same instant could both find a stale file and both unlink it; the loser's
    /// bind then fails or orphans the winner's socket. Serve also binds its network port, which makes that race
    /// practically unreachable, so no lock file is taken here.
    /// </remarks>
    public override async Task<AdminListener> ListenAsync(ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the admin Unix socket is not used on Windows; serve's admin channel there is a named pipe (spec §20.1)");
        }

        var path = Address;
        var endpoint = CreateEndPoint(path);

        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, HomeMode);
        }

        await RemoveStaleSocketAsync(endpoint, logger, cancellationToken).ConfigureAwait(false);

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var bound = false;
        try
        {
            socket.Bind(endpoint);
            bound = true;

            // Binding creates the file with the umask's mode; connecting needs write permission, so a common
            // umask (022) already keeps other users out until this chmod, and the uid check covers any other.
            File.SetUnixFileMode(path, SocketMode);
            socket.Listen();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw AlreadyRunning(e);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            if (bound)
            {
                TryDelete(path);
            }

            throw new OpenDeskException($"cannot create the admin socket {path}: {e.Message}", e);
        }

        logger.LogDebug("admin IPC listening on {SocketPath}", path);
        return new Listener(path, socket, logger);
    }

    public override async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        CheckReachable();

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Address), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();

            // A socket file with nobody listening is what a crashed serve leaves behind.
            throw e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused or SocketError.AddressNotAvailable => NotRunning(e),
                SocketError.AccessDenied when !FileOwner.IsSupported => new OpenDeskException(
                    $"permission denied connecting to the opendesk admin socket at {Address}: it belongs to another user, and only the user running `opendesk serve` can manage it",
                    e),
                _ => new OpenDeskException($"cannot connect to the opendesk admin socket at {Address}: {e.Message}", e),
            };
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// Tells apart the spec's "no socket" (§20.4) from a socket this user may not use: another user's serve, or
    /// one whose home this user cannot even look into. Both used to read "Is `opendesk serve` running?" while
    /// it was. The server refuses other uids anyway, so saying so before connecting changes no outcome.
    /// </summary>
    private void CheckReachable()
    {
        if (!FileOwner.IsSupported)
        {
            if (!File.Exists(Address))
            {
                throw NotRunning(null);
            }

            return;
        }

        var socket = FileOwner.Of(Address);
        switch (socket.Errno)
        {
            case 0 when socket.Uid != PeerCredentials.EffectiveUserId:
                throw new OpenDeskException(
                    $"The opendesk admin socket at {Address} belongs to another user, {FileOwner.Describe(socket.Uid)}; only the user running `opendesk serve` can manage it.");
            case 0:
                return;
            case FileOwner.ENOENT or FileOwner.ENOTDIR:
                throw NotRunning(null);
            case FileOwner.EACCES or FileOwner.EPERM:
                throw CannotLookInside();
            default:
                throw new OpenDeskException($"cannot examine the opendesk admin socket at {Address}: {new System.ComponentModel.Win32Exception(socket.Errno).Message}");
        }
    }

    /// <summary>Whose directory keeps this user from seeing whether a socket is there: the first one on the path it may not search.</summary>
    private OpenDeskException CannotLookInside()
    {
        var ancestors = new List<string>();
        for (var directory = Path.GetDirectoryName(Address); !string.IsNullOrEmpty(directory); directory = Path.GetDirectoryName(directory))
        {
            ancestors.Add(directory);
        }

        ancestors.Reverse();
        if (ancestors.FirstOrDefault(directory => !FileOwner.CanSearch(directory)) is { } blocking
            && FileOwner.Of(blocking) is { Errno: 0 } owner
            && owner.Uid != PeerCredentials.EffectiveUserId)
        {
            return new OpenDeskException(
                $"Permission denied reaching the opendesk admin socket at {Address}: {blocking} belongs to another user, {FileOwner.Describe(owner.Uid)}, and only the user running `opendesk serve` can manage it.");
        }

        return new OpenDeskException($"Permission denied reaching the opendesk admin socket at {Address}.");
    }

    private static UnixDomainSocketEndPoint CreateEndPoint(string path)
    {
        try
        {
            return new UnixDomainSocketEndPoint(path);
        }
        catch (ArgumentException e)
        {
            throw new OpenDeskException(
                $"admin socket path {path} is too long for a Unix domain socket ({Encoding.UTF8.GetByteCount(path)} bytes); use a shorter --home",
                e);
        }
    }

    /// <summary>Removes a socket file no server listens on any more; refuses when one still does.</summary>
    private async Task RemoveStaleSocketAsync(UnixDomainSocketEndPoint endpoint, ILogger logger, CancellationToken cancellationToken)
    {
        var path = Address;
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ProbeTimeout);
        try
        {
            await probe.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            logger.LogInformation("removing stale admin socket {SocketPath} left by a server that is no longer running", path);
            TryDelete(path);
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw AlreadyRunning();
        }
        catch (SocketException e)
        {
            throw new OpenDeskException(
                $"cannot tell whether admin socket {path} belongs to a running opendesk serve ({e.Message}); remove it if no serve is running",
                e);
        }

        throw AlreadyRunning();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing useful to do: a leftover file is detected as stale and replaced by the next start.
        }
    }

    private sealed class Listener(string path, Socket socket, ILogger logger) : AdminListener
    {
        private readonly uint _ownerUid = PeerCredentials.EffectiveUserId;

        public override async Task<Stream> AcceptAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var client = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);

                // The file mode already keeps other users out; this closes the gap between bind and chmod and
                // covers a socket whose mode someone widened.
                var peerUid = PeerCredentials.PeerUserId(client);
                if (peerUid == _ownerUid)
                {
                    return new NetworkStream(client, ownsSocket: true);
                }

                logger.LogWarning(
                    "refused an admin connection from uid {PeerUid}: only uid {OwnerUid}, the user running serve, may use {SocketPath}",
                    peerUid, _ownerUid, path);
                client.Dispose();
            }
        }

        public override ValueTask DisposeAsync()
        {
            socket.Dispose();
            TryDelete(path);
            return ValueTask.CompletedTask;
        }
    }
}
