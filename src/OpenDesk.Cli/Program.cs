using System.CommandLine;
using OpenDesk.Cli;
using OpenDesk.Cli.Commands;

var root = new RootCommand("opendesk: drive a desktop from another machine over an end-to-end encrypted connection, one controller at a time.");
root.Options.Add(Cli.Home);
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(PairCommand.Create());
root.Subcommands.Add(SessionsCommand.CreateSessions());
root.Subcommands.Add(SessionsCommand.CreateDisconnect());
root.Subcommands.Add(UnpairCommand.Create());
root.Subcommands.Add(DescribeCommand.Create());
root.Subcommands.Add(ControllerCommands.CreatePairWith());
root.Subcommands.Add(ControllerCommands.CreateConnect());
root.Subcommands.Add(PeersCommand.Create());
root.Subcommands.Add(AuditCommand.Create());
root.Subcommands.Add(ServiceCommands.CreateInstall());
root.Subcommands.Add(ServiceCommands.CreateUninstall());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(DiscoverCommand.Create());
root.Subcommands.Add(McpCommand.Create());
foreach (var action in ActionCommands.CreateAll())
{
    root.Subcommands.Add(action);
}

return await CliRunner.RunAsync(root, args);
