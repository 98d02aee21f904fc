using System.CommandLine;
using OpenDesk.Cli.Json;
using OpenDesk.Client;
using OpenDesk.Protocol;
using OpenDesk.Trust;

namespace OpenDesk.Cli.Commands;

/// <summary><c>opendesk pair-with</c> and <c>opendesk connect</c>, run on the controller.</summary>
internal static class ControllerCommands
{
    /// <summary>Keeps the session until interrupted; reports how it ended.</summary>
    private static async Task<int> HoldAsync(RemoteComputer remote, CancellationToken ct)
    {
        Console.WriteLine("Holding the session; press Ctrl-C to leave.");
        Console.Out.Flush();
        try
        {
            var reason = await remote.Disconnected.WaitAsync(ct);
            if (remote.EvictionReason is { } evicted)
            {
                Console.WriteLine($"Evicted by the server: {evicted}");
                return 0;
            }

            return Cli.Error($"connection lost: {reason.Message}");
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine();
            Console.WriteLine("Disconnected.");
            return 0;
        }
    }

    public static Command CreatePairWith()
    {
        var host = new Argument<string>("host") { Description = "address of the machine running `opendesk pair`" };
        var code = new Argument<string>("code") { Description = "the pairing code it shows" };
        var port = new Option<int>("--port") { Description = "its port", DefaultValueFactory = _ => 8423 };
        var name = new Option<string?>("--name") { Description = "name to store it under (default peer-xxxxxx)" };
        var legacy = new Option<bool>("--legacy")
        {
            Description = "pair by protocol v1, for a machine without CPace pairing (its code can be brute-forced offline by anyone on the network)",
        };
        var command = new Command("pair-with", "Pair with a machine that is showing a pairing code");
        command.Arguments.Add(host);
        command.Arguments.Add(code);
        command.Options.Add(port);
        command.Options.Add(name);
        command.Options.Add(legacy);
        command.SetAction(async (parse, ct) =>
        {
            var home = Cli.HomeOf(parse);
            if (parse.GetValue(legacy))
            {
                Console.Error.WriteLine(PairCommand.LegacyWarning);
            }

            try
            {
                await using var remote = await RemoteComputer.PairWithAsync(
                    parse.GetValue(host)!, parse.GetValue(code)!, parse.GetValue(port), parse.GetValue(name), new RemoteComputerOptions { Home = home.Path }, parse.GetValue(legacy), ct);
                var stored = new TrustStore(home).FindByKey(remote.ServerPublicKey)!;
                Console.WriteLine($"✓ Paired with {stored.Name} ({stored.Fingerprint})");
                Console.WriteLine($"  Now reachable as: opendesk connect {stored.Name}");
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return PairCommand.CancelledExit;
            }
            catch (OpenDeskException ex)
            {
                return Cli.Error(ex.Message);
            }
        });
        return command;
    }

    public static Command CreateConnect()
    {
        var peer = new Argument<string?>("peer") { Description = "peer name or ws://host:port#pubkeyhex (default: the default peer)", Arity = ArgumentArity.ZeroOrOne };
        var screenshot = new Option<string?>("--screenshot") { Description = "save a screenshot of the primary display to this PNG file" };
        var hold = new Option<bool>("--hold") { Description = "stay connected, holding the controller slot, until Ctrl-C or the server disconnects us" };
        var command = new Command("connect", "Connect to a paired machine and show what it offers");
        command.Arguments.Add(peer);
        command.Options.Add(screenshot);
        command.Options.Add(hold);
        command.Options.Add(Cli.Json);
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(peer);
            try
            {
                await using var remote = await RemoteComputer.ConnectAsync(
                    target, new RemoteComputerOptions { Home = Cli.HomeOf(parse).Path, AutoReconnect = false }, ct);
                var capabilities = remote.Manifest.Capabilities.Order(StringComparer.Ordinal).ToList();
                if (parse.GetValue(Cli.Json))
                {
                    Cli.WriteJson(new ConnectSummary(target ?? "default", remote.Manifest.Backend, capabilities, remote.Manifest.Description), CliJsonContext.Default.ConnectSummary);
                }
                else
                {
                    Console.WriteLine($"Connected to {target ?? "default"}  backend={remote.Manifest.Backend}");
                    Console.WriteLine($"Capabilities: {PyRepr.Format(capabilities)}");
                }

                if (parse.GetValue(screenshot) is { } path)
                {
                    var pixmap = await remote.CaptureAsync(cancellationToken: ct);
                    await File.WriteAllBytesAsync(path, pixmap.Data, ct);
                    Console.WriteLine($"Saved screenshot ({pixmap.Width}x{pixmap.Height}) → {path}");
                }

                return parse.GetValue(hold) ? await HoldAsync(remote, ct) : 0;
            }
            catch (OpenDeskException ex)
            {
                return Cli.Error(ex.Message);
            }
        });
        return command;
    }
}
