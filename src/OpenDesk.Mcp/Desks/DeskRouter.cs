using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Trust;

namespace OpenDesk.Mcp.Desks;

/// <summary>
/// Which desk a tool call of one MCP session drives, and what that session saw of each desk. The rules, in order:
/// the call's <c>peer</c> (<c>local</c> is this machine); the desk this session chose with <c>opendesk_use</c>; the
/// one paired desk when there is exactly one; an error naming them when there are several; this machine when none is
/// paired. Two agents on one HTTP server share the connections but never each other's choice, last screenshot
/// (the space their coordinates are read in), marks or remembered elements.
/// </summary>
internal sealed class DeskRouter(DeskConnections connections)
{
    public const string Local = "local";

    private readonly Dictionary<string, Desk> _desks = new(StringComparer.Ordinal);
    private volatile string? _chosen;

    public OpenDeskHome Home => connections.Home;

    public TrustStore Trust => connections.Trust;

    public bool HasLocal => connections.HasLocal;

    /// <summary>The paired desks this controller can drive (entries stored as controllers of this machine are not).</summary>
    public IReadOnlyList<TrustedPeer> PairedDesks() => connections.PairedDesks();

    /// <summary>Names of the open connections, <c>local</c> included once it was opened.</summary>
    public IReadOnlyList<string> OpenNames() => connections.OpenNames();

    /// <summary>Closes one connection (or all of them) for every session; this machine's desktop stays open. Returns how many were closed.</summary>
    public Task<int> DisconnectAsync(string? name) => connections.DisconnectAsync(name);

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

    /// <summary>Makes <paramref name="name"/> the target of this session's calls without <c>peer</c>; <c>local</c> or null goes back to the rules.</summary>
    public string Use(string? name)
    {
        if (string.IsNullOrEmpty(name) || name == Local)
        {
            _chosen = name == Local ? Local : null;
            return name == Local ? "Calls without peer now drive this machine (local)." : "No desk is chosen; calls without peer follow the default rules.";
        }

        connections.RequirePaired(name);
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
            var remote = await connections.RemoteAsync(name, cancellationToken).ConfigureAwait(false);
            return DeskOn(name, remote, remote);
        }

        if (PairedDesks().Any(d => d.Name == Local))
        {
            throw new ToolFailure(
                $"A paired desk is named '{Local}', the name that means this machine, so calls for either cannot be told apart. " +
                $"Have the person at this machine rename it with `opendesk peers rename {Local} <new name>`, then call again with that name.");
        }

        return DeskOn(Local, await connections.LocalAsync(cancellationToken).ConfigureAwait(false), remote: null);
    }

    /// <summary>Drops the connection of a desk that ended this controller's session: the next call to it connects anew.</summary>
    public Task ForgetAsync(Desk desk) => desk.Remote is { } remote ? connections.ForgetAsync(desk.Name, remote) : Task.CompletedTask;

    /// <inheritdoc cref="DeskConnections.ReconnectAfterLossAsync"/>
    public Task<string> ReconnectAfterLossAsync(Desk desk, RemoteComputer remote, CancellationToken cancellationToken) =>
        connections.ReconnectAfterLossAsync(desk.Name, remote, cancellationToken);

    /// <summary>This session's view of a desk on <paramref name="computer"/>; a new connection starts with nothing seen.</summary>
    private Desk DeskOn(string name, IComputer computer, RemoteComputer? remote)
    {
        lock (_desks)
        {
            if (!_desks.TryGetValue(name, out var desk) || !ReferenceEquals(desk.Computer, computer))
            {
                _desks[name] = desk = new Desk(name, computer, remote);
            }

            return desk;
        }
    }
}
