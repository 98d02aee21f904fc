namespace OpenDesk.Cli.Json;

/// <summary>What <c>opendesk connect --json</c> prints about the machine it reached.</summary>
internal sealed record ConnectSummary(string Peer, string Backend, IReadOnlyList<string> Capabilities, string Description);
