using Microsoft.Extensions.Logging;
using OpenDesk.Computer;

namespace OpenDesk.Mcp;

/// <summary>What an <see cref="OpenDeskMcpServer"/> drives and where it keeps its controller identity.</summary>
public sealed class OpenDeskMcpOptions
{
    /// <summary>The opendesk home holding this controller's identity and paired desks; <c>~/.opendesk</c> when null.</summary>
    public string? Home { get; init; }

    /// <summary>
    /// Opens this machine's own desktop, the target named <c>local</c>, on first use. It throws
    /// <see cref="OpenDeskException"/> with the reason when the machine has no desktop to control. The caller owns
    /// what it returns and disposes it after the server. Null: this server has no local target.
    /// </summary>
    public Func<CancellationToken, Task<IComputer>>? OpenLocalDesktop { get; init; }

    /// <summary>Where the server and the MCP SDK log; nothing is logged when null. Over stdio it must not write to standard output.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>How long to look for a paired desk on the LAN (mDNS) when it has no cached address.</summary>
    public TimeSpan DiscoveryTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
