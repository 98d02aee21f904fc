using Microsoft.Extensions.Logging;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Trust;

namespace OpenDesk.Mcp.Desks;

/// <summary>
/// The connections of one MCP server, shared by all its MCP sessions (a desk serves one controller at a time, and
/// they all are this controller): this machine's desktop and the paired desks. Connections open on first use and
/// stay open; one the desk evicted, one lost for good and one to a desk no longer paired under its name are dropped,
/// so the next call connects anew. What each session chose and saw is its <see cref="DeskRouter"/>'s.
/// </summary>
internal sealed class DeskConnections : IAsyncDisposable
{
    private readonly OpenDeskHome _home;
    private readonly TrustStore _trust;
    private readonly OpenDeskMcpOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, RemoteComputer> _remotes = new(StringComparer.Ordinal);

    /// <summary>One gate per desk name, so a slow or unreachable desk does not hold up the first use of the others.</summary>
    private readonly Dictionary<string, SemaphoreSlim> _connecting = new(StringComparer.Ordinal);
    private IComputer? _local;

    public DeskConnections(OpenDeskMcpOptions options, ILogger logger)
    {
        _options = options;
        _home = new OpenDeskHome(options.Home);
        _trust = new TrustStore(_home);
        _logger = logger;
    }

    public OpenDeskHome Home => _home;

    public TrustStore Trust => _trust;

    public bool HasLocal => _options.OpenLocalDesktop is not null;

    /// <summary>The paired desks this controller can drive (entries stored as controllers of this machine are not).</summary>
    public IReadOnlyList<TrustedPeer> PairedDesks()
    {
        try
        {
            return [.. _trust.List().Where(p => p.Role != PeerRole.Controller && p.Name.Length > 0)];
        }
        catch (TrustStoreException ex)
        {
            throw new ToolFailure($"Cannot read the paired desks: {ex.Message}");
        }
    }

    /// <summary>Names of the open connections, <c>local</c> included once it was opened.</summary>
    public IReadOnlyList<string> OpenNames()
    {
        lock (_remotes)
        {
            return [.. (_local is null ? Array.Empty<string>() : [DeskRouter.Local]).Concat(_remotes.Keys.Order(StringComparer.Ordinal))];
        }
    }

    /// <summary>
    /// After a call found <paramref name="remote"/>, the connection to <paramref name="name"/>, lost for good: drops it and
    /// connects anew once, so the agent learns why the desk is gone (busy with another controller, no longer trusting
    /// this one, unreachable) or that it is back.
    /// </summary>
    public async Task<string> ReconnectAfterLossAsync(string name, RemoteComputer remote, CancellationToken cancellationToken)
    {
        await ForgetAsync(name, remote).ConfigureAwait(false);
        try
        {
            await RemoteAsync(name, cancellationToken).ConfigureAwait(false);
            return $"A new connection to desk '{name}' is open now, so the next call goes through.";
        }
        catch (ToolFailure failure)
        {
            return $"Connecting anew failed too. {failure.Message}";
        }
    }

    /// <summary>Closes one connection (or all of them); this machine's desktop stays open. Returns how many were closed.</summary>
    public async Task<int> DisconnectAsync(string? name)
    {
        List<RemoteComputer> closing;
        lock (_remotes)
        {
            closing = name is null ? [.. _remotes.Values] : _remotes.TryGetValue(name, out var named) ? [named] : [];
            if (name is null)
            {
                _remotes.Clear();
            }
            else
            {
                _remotes.Remove(name);
            }
        }

        foreach (var remote in closing)
        {
            await remote.DisposeAsync().ConfigureAwait(false);
        }

        return closing.Count;
    }

    /// <summary>Drops <paramref name="remote"/>, a connection the desk ended or that is gone: the next call to that desk connects anew.</summary>
    public async Task ForgetAsync(string name, RemoteComputer remote)
    {
        lock (_remotes)
        {
            if (_remotes.TryGetValue(name, out var current) && ReferenceEquals(current, remote))
            {
                _remotes.Remove(name);
            }
        }

        await remote.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync(null).ConfigureAwait(false);
        lock (_remotes)
        {
            foreach (var gate in _connecting.Values)
            {
                gate.Dispose();
            }
        }
    }

    /// <summary>This machine's desktop, opened on first use.</summary>
    public async Task<IComputer> LocalAsync(CancellationToken cancellationToken)
    {
        if (_local is { } open)
        {
            return open;
        }

        if (_options.OpenLocalDesktop is not { } openLocal)
        {
            throw new ToolFailure("This opendesk mcp was started without access to this machine's desktop, so 'local' is not available. Pass peer with a paired desk's name (see opendesk_peers).");
        }

        var gate = GateFor(DeskRouter.Local);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_local is null)
            {
                IComputer computer;
                try
                {
                    computer = await openLocal(cancellationToken).ConfigureAwait(false);
                }
                catch (OpenDeskException ex)
                {
                    throw new ToolFailure($"This machine has no desktop to control: {ex.Message}. Drive a paired desk instead (pass peer; see opendesk_peers).", ex);
                }

                lock (_remotes)
                {
                    _local = computer;
                }

                _logger.LogInformation("opened this machine's desktop ({Backend})", computer.Manifest.Backend);
            }

            return _local;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The connection to the paired desk <paramref name="name"/>, opened on first use.</summary>
    public async Task<RemoteComputer> RemoteAsync(string name, CancellationToken cancellationToken)
    {
        if (await OpenRemoteAsync(name).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        RequirePaired(name);
        var gate = GateFor(name);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await OpenRemoteAsync(name).ConfigureAwait(false) is { } opened)
            {
                return opened;
            }

            RemoteComputer remote;
            try
            {
                remote = await RemoteComputer.ConnectAsync(name, new RemoteComputerOptions { Home = _home.Path, DiscoveryTimeout = _options.DiscoveryTimeout }, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (OpenDeskException ex)
            {
                throw new ToolFailure(DeskErrors.ConnectFailure(name, ex), ex);
            }

            lock (_remotes)
            {
                _remotes[name] = remote;
            }

            _logger.LogInformation("connected to {Desk} ({Backend})", name, remote.Manifest.Backend);
            return remote;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The open connection to <paramref name="name"/>, while the trust store still pairs that name with the key it
    /// reached: after an unpair, or a re-pairing that gave the name to another machine, the old connection is closed.
    /// </summary>
    private async Task<RemoteComputer?> OpenRemoteAsync(string name)
    {
        RemoteComputer? open;
        lock (_remotes)
        {
            open = _remotes.GetValueOrDefault(name);
        }

        if (open is null || PairedDesks().Any(d => d.Name == name && d.PublicKeyBytes.AsSpan().SequenceEqual(open.ServerPublicKey)))
        {
            return open;
        }

        _logger.LogInformation("{Desk} is no longer paired under that name with the machine it reached; closing that connection", name);
        await ForgetAsync(name, open).ConfigureAwait(false);
        return null;
    }

    private SemaphoreSlim GateFor(string name)
    {
        lock (_remotes)
        {
            if (!_connecting.TryGetValue(name, out var gate))
            {
                _connecting[name] = gate = new SemaphoreSlim(1, 1);
            }

            return gate;
        }
    }

    /// <summary>Fails with the paired desks' names and how to pair when <paramref name="name"/> is none of them.</summary>
    public void RequirePaired(string name)
    {
        var desks = PairedDesks();
        if (desks.Any(d => d.Name == name))
        {
            return;
        }

        var known = desks.Count == 0 ? "No desk is paired yet" : $"Paired desks: {string.Join(", ", desks.Select(d => d.Name))}";
        var controller = _trust.FindByName(name) is { Role: PeerRole.Controller }
            ? $" '{name}' is paired as a controller of this machine (it drives you), not as a desk you can drive."
            : "";
        throw new ToolFailure(
            $"No paired desk is named '{name}'.{controller} {known}; '{DeskRouter.Local}' is this machine. Pairing is a step for a person: run `opendesk pair` on the desk, " +
            $"then `opendesk pair-with <host> <code> --name {name}` here.");
    }
}
