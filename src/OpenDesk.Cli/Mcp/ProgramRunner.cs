namespace OpenDesk.Cli.Mcp;

/// <summary>Runs an outside program (an MCP client's own command line) to its end and says how it went.</summary>
internal delegate ProgramOutcome ProgramRunner(string program, IReadOnlyList<string> arguments);
