using Microsoft.Extensions.Logging;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Trust;

namespace OpenDesk.Mcp.Desks;

/// <summary>
/// Which desk a tool call drives, and the connections to them. The rules, in order: the call's <c>peer</c>
/// (<c>local</c> is this machine); the desk chosen with <c>opendesk_use</c>; the one paired desk when there is
/// exactly one; an error naming them when there are several; this machine when none is paired. Connections open
/// on first use and stay open; a connection the desk evicted, one that is lost for good and one to a desk no longer
/// paired under its name are dropped, so the next call connects anew.
/// </summary>
internal sealed class DeskRouter : IAsyncDisposable
{
    public const string Local = "local";

    private readonly OpenDeskHome _home;
    private readonly TrustStore _trust;
    private readonly OpenDeskMcpOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Desk> _remotes = new(StringComparer.Ordinal);

    /// <summary>One gate per desk name, so a slow or unreachable desk does not hold up the first use of the others.</summary>
    private readonly Dictionary<string, SemaphoreSlim> _connecting = new(StringComparer.Ordinal);
    private Desk? _local;
    private volatile string? _chosen;

    public DeskRouter(OpenDeskMcpOptions options, ILogger logger)
    {
        _options = options;
        _home = new OpenDeskHome(options.Home);
        _trust = new TrustStore(_home);
        _logger = logger;
    }

    public OpenDeskHome Home => _home;

    public TrustStore Trust => _trust;

    /// <summary>The desk chosen with <c>opendesk_use</c>, or null.</summary>
    public string? Chosen => _chosen;

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
            return [.. (_local is null ? Array.Empty<string>() : [Local]).Concat(_remotes.Keys.Order(StringComparer.Ordinal))];
        }
    }

    /// <summary>What a call without <c>peer</c> drives now, and why: <c>chosen</c>, <c>only paired desk</c>, <c>no desk paired</c>, or null with <c>ambiguous</c>.</summary>
    public (string? Name, string Why) Default()
    {
        if (_chosen is { } chosen)
        {
            return (chosen, "chosen with opendesk_use");
        }

        var desks = PairedDesks();
        return desks.Count switch
        {
            0 => (Local, "no desk is paired"),
            1 => (desks[0].Name, "the only paired desk"),
            _ => (null, "several desks are paired and none is chosen"),
        };
    }

    /// <summary>Makes <paramref name="name"/> the target of calls without <c>peer</c>; <c>local</c> or null goes back to the rules.</summary>
    public string Use(string? name)
    {
        if (string.IsNullOrEmpty(name) || name == Local)
        {
            _chosen = name == Local ? Local : null;
            return name == Local ? "Calls without peer now drive this machine (local)." : "No desk is chosen; calls without peer follow the default rules.";
        }

        RequirePaired(name);
        _chosen = name;
        return $"Calls without peer now drive '{name}'.";
    }

    /// <summary>The desk for one call, connecting to it when it is not open yet.</summary>
    public async Task<Desk> ResolveAsync(string? requested, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrEmpty(requested) ? _chosen : requested;
        if (name is null)
        {
            var desks = PairedDesks();
            name = desks.Count switch
            {
                0 => Local,
                1 => desks[0].Name,
                _ => throw new ToolFailure(
                    $"Several desks are paired ({string.Join(", ", desks.Select(d => d.Name))}) and none is chosen. Call opendesk_use with one of them, " +
                    $"or pass peer on this call ('{Local}' for this machine)."),
            };
        }

        if (name != Local)
        {
            return await RemoteAsync(name, cancellationToken).ConfigureAwait(false);
        }

        if (PairedDesks().Any(d => d.Name == Local))
        {
            throw new ToolFailure(
                $"A paired desk is named '{Local}', the name that means this machine, so calls for either cannot be told apart. " +
                $"Have the person at this machine rename it with `opendesk peers rename {Local} <new name>`, then call again with that name.");
        }

        return await LocalAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a call found the connection to <paramref name="desk"/> lost for good: drops it and connects anew once, so the
    /// agent learns why the desk is gone (busy with another controller, no longer trusting this one, unreachable) or
    /// that it is back.
    /// </summary>
    public async Task<string> ReconnectAfterLossAsync(Desk desk, CancellationToken cancellationToken)
    {
        await ForgetAsync(desk).ConfigureAwait(false);
        try
        {
            await RemoteAsync(desk.Name, cancellationToken).ConfigureAwait(false);
            return $"A new connection to desk '{desk.Name}' is open now, so the next call goes through.";
        }
        catch (ToolFailure failure)
        {
            return $"Connecting anew failed too. {failure.Message}";
        }
    }

    /// <summary>Closes one connection (or all of them); this machine's desktop stays open. Returns how many were closed.</summary>
    public async Task<int> DisconnectAsync(string? name)
    {
        List<Desk> closing;
        lock (_remotes)
        {
            closing = name is null ? [.. _remotes.Values] : _remotes.TryGetValue(name, out var named) ? [named] : [];
            foreach (var desk in closing)
            {
                _remotes.Remove(desk.Name);
            }
        }

        foreach (var desk in closing)
        {
            await desk.Remote!.DisposeAsync().ConfigureAwait(false);
        }

        return closing.Count;
    }

    /// <summary>Drops a connection the desk ended (eviction): the next call to that desk connects anew.</summary>
    public async Task ForgetAsync(Desk desk)
    {
        if (desk.Remote is null)
        {
            return;
        }

        lock (_remotes)
        {
            if (_remotes.TryGetValue(desk.Name, out var current) && ReferenceEquals(current, desk))
            {
                _remotes.Remove(desk.Name);
            }
        }

        await desk.Remote.DisposeAsync().ConfigureAwait(false);
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

    private async Task<Desk> LocalAsync(CancellationToken cancellationToken)
    {
        if (_local is { } open)
        {
            return open;
        }

        if (_options.OpenLocalDesktop is not { } openLocal)
        {
            throw new ToolFailure("This opendesk mcp was started without access to this machine's desktop, so 'local' is not available. Pass peer with a paired desk's name (see opendesk_peers).");
        }

        var gate = GateFor(Local);
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
                    _local = new Desk(Local, computer, remote: null);
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

    private async Task<Desk> RemoteAsync(string name, CancellationToken cancellationToken)
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

            var desk = new Desk(name, remote, remote);
            lock (_remotes)
            {
                _remotes[name] = desk;
            }

            _logger.LogInformation("connected to {Desk} ({Backend})", name, remote.Manifest.Backend);
            return desk;
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
    private async Task<Desk?> OpenRemoteAsync(string name)
    {
        Desk? open;
        lock (_remotes)
        {
            open = _remotes.GetValueOrDefault(name);
        }

        if (open is null || PairedDesks().Any(d => d.Name == name && d.PublicKeyBytes.AsSpan().SequenceEqual(open.Remote!.ServerPublicKey)))
        {
            return open;
        }

        _logger.LogInformation("{Desk} is no longer paired under that name with the machine it reached; closing that connection", name);
        await ForgetAsync(open).ConfigureAwait(false);
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

    private void RequirePaired(string name)
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
            $"No paired desk is named '{name}'.{controller} {known}; '{Local}' is this machine. Pairing is a step for a person: run `opendesk pair` on the desk, " +
            $"then `opendesk pair-with <host> <code> --name {name}` here.");
    }
}
