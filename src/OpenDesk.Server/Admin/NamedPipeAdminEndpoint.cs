using System.IO.Pipes;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OpenDesk.Server.Admin;

/// <summary>
/// The admin endpoint on Windows (spec §20.1): a named pipe, <c>\\.\pipe\opendesk-admin</c> for the default home
/// (see <see cref="Trust.OpenDeskHome.AdminPipeName"/>). Serve creates it with
/// <see cref="PipeOptions.CurrentUserOnly"/>, whose ACL admits only the user running serve; the CLI opens it with
/// the same option, which makes it refuse a pipe some other user created under that name.
/// </summary>
/// <remarks>
/// That ACL names the user, not the machine: where file sharing is on, the same account signed in on another
/// computer could open the pipe over SMB. Shutting that out takes a deny entry for the NETWORK group, which .NET
/// only accepts in a hand-built ACL instead of <see cref="PipeOptions.CurrentUserOnly"/>.
/// Elsewhere .NET implements named pipes as Unix domain sockets under the temp directory and
/// <see cref="PipeOptions.CurrentUserOnly"/> compares peer uids; serve does not use this endpoint there, but tests
/// run it that way.
/// </remarks>
internal sealed class NamedPipeAdminEndpoint : AdminEndpoint
{
    private const PipeOptions Options = PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly;

    /// <summary>
    /// How long the CLI waits for a pipe instance. A live server always keeps one waiting, so it is reached at
    /// once; but a missing pipe and a busy one look alike through the API (both time out), so this is also how
    /// long "serve is not running" takes to tell.
    /// </summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Enough to reach a live server's waiting instance without delaying every start by much.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(200);

    public NamedPipeAdminEndpoint(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('\\', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"pipe name {name} contains a path separator", nameof(name));
        }

        Name = name;
        Address = $@"\\.\pipe\{name}";
    }

    /// <summary>The pipe's name, without the <c>\\.\pipe\</c> prefix.</summary>
    public string Name { get; }

    public override string Kind => "admin pipe";

    public override string Address { get; }

    /// <summary>
    /// Creates the pipe's first instance and starts listening, unless a live server answers on the name. On
    /// Windows the first instance is created with <see cref="PipeOptions.FirstPipeInstance"/>, so a server that
    /// starts in the same instant, or another user's process holding the name, makes this fail rather than share it.
    /// </summary>
    public override async Task<AdminListener> ListenAsync(ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        await RefuseIfLiveAsync(cancellationToken).ConfigureAwait(false);

        NamedPipeServerStream first;
        try
        {
            first = CreateInstance(claim: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Taken(e);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw new OpenDeskException($"cannot create the {this}: {e.Message}", e);
        }

        logger.LogDebug("admin IPC listening on {Pipe}", Address);
        return new Listener(this, first, logger);
    }

    public override async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        var pipe = new NamedPipeClientStream(".", Name, PipeDirection.InOut, Options);
        try
        {
            await pipe.ConnectAsync(ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return pipe;
        }
        catch (Exception e)
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            if (ExplainConnectFailure(e) is { } explained)
            {
                throw explained;
            }

            throw;
        }
    }

    private OpenDeskException? ExplainConnectFailure(Exception e) => e switch
    {
        TimeoutException => NotRunning(e),
        UnauthorizedAccessException => new OpenDeskException(
            $"the {this} belongs to another user; run this command as the user running opendesk serve ({e.Message})", e),
        IOException => new OpenDeskException($"cannot connect to the opendesk {this}: {e.Message}", e),
        _ => null,
    };

    /// <summary>
    /// Only a probe tells a live server apart: unlike a socket file, a Windows pipe vanishes with its server, and
    /// creating one on Unix silently takes the name over, which would orphan a running server's admin channel.
    /// </summary>
    private async Task RefuseIfLiveAsync(CancellationToken cancellationToken)
    {
        var probe = new NamedPipeClientStream(".", Name, PipeDirection.InOut, Options);
        await using (probe.ConfigureAwait(false))
        {
            try
            {
                await probe.ConnectAsync(ProbeTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nobody listens. On Unix a socket file a crashed server left behind is replaced when the pipe is created.
                return;
            }
            catch (UnauthorizedAccessException e)
            {
                throw Taken(e);
            }
            catch (IOException e)
            {
                throw new OpenDeskException($"cannot tell whether the {this} belongs to a running opendesk serve: {e.Message}", e);
            }
        }

        throw AlreadyRunning();
    }

    private OpenDeskException Taken(Exception inner) =>
        new($"cannot create the {this}: another user's process holds that name, such as their opendesk serve; give this serve its own --home", inner);

    private NamedPipeServerStream CreateInstance(bool claim)
    {
        // On Unix, FirstPipeInstance would refuse the socket file a crashed server leaves, which is .NET's to place
        // and not ours to delete; the probe in RefuseIfLiveAsync guards the name there, as it does for the admin socket.
        var options = claim && OperatingSystem.IsWindows() ? Options | PipeOptions.FirstPipeInstance : Options;
        return new NamedPipeServerStream(Name, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, options);
    }

    /// <summary>
    /// Keeps one instance waiting for a client at all times; each accepted instance becomes that client's
    /// connection and a fresh one takes its place, so a pending <c>pair</c> never blocks a <c>list</c>.
    /// </summary>
    private sealed class Listener(NamedPipeAdminEndpoint endpoint, NamedPipeServerStream first, ILogger logger) : AdminListener
    {
        private NamedPipeServerStream? _waiting = first;

        public override async Task<Stream> AcceptAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                // Null after a failed replacement; a failure that persists surfaces here, to the server's back-off.
                var instance = _waiting ??= endpoint.CreateInstance(claim: false);
                try
                {
                    await instance.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is UnauthorizedAccessException or IOException)
                {
                    // On Unix CurrentUserOnly refuses another uid here; on Windows the ACL stops it before this, and an
                    // IOException means a client that left before it was accepted. Either way the instance is spent.
                    if (e is UnauthorizedAccessException)
                    {
                        logger.LogWarning("refused an admin connection on {Pipe}: {Reason}", endpoint.Address, e.Message);
                    }
                    else
                    {
                        logger.LogDebug("admin client left {Pipe} before it was accepted: {Error}", endpoint.Address, e.Message);
                    }

                    _waiting = TryCreateInstance();
                    await instance.DisposeAsync().ConfigureAwait(false);
                    continue;
                }

                // Made before this instance is handed over, so the name stays claimed and the next client finds an instance.
                _waiting = TryCreateInstance();
                return instance;
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _waiting, null) is { } waiting)
            {
                await waiting.DisposeAsync().ConfigureAwait(false);
            }
        }

        private NamedPipeServerStream? TryCreateInstance()
        {
            try
            {
                return endpoint.CreateInstance(claim: false);
            }
            catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
            {
                logger.LogDebug("could not open another instance of {Pipe} yet: {Error}", endpoint.Address, e.Message);
                return null;
            }
        }
    }
}
