namespace OpenDesk.Cli.Mcp;

/// <summary>Where MCP client configurations are looked for: the user's home (user scope) and the current project (project scope).</summary>
internal sealed record McpConfigPlaces(string UserHome, string WorkingDirectory);
