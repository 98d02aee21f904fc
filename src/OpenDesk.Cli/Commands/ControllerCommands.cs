using System.CommandLine;
using OpenDesk.Cli.Json;
using OpenDesk.Client;
using OpenDesk.Protocol;
using OpenDesk.Trust;

namespace OpenDesk.Cli.Commands;

/// <summary><c>opendesk pair-with</c> and <c>opendesk connect</c>, run on the controller.</summary>
internal static class ControllerCommands
{
    /// <summary>Keeps the session until interrupted; reports how it ended on <paramref name="output"/> (stderr when stdout holds JSON).</summary>
    private static async Task<int> HoldAsync(RemoteComputer remote, TextWriter output, CancellationToken ct)
    {
        output.WriteLine("Holding the session; press Ctrl-C to leave.");
        output.Flush();
        try
        {
            var reason = await remote.Disconnected.WaitAsync(ct);
            if (remote.EvictionReason is { } evicted)
            {
                output.WriteLine($"Evicted by the server: {evicted}");
                return 0;
            }

            return Cli.Error($"connection lost: {reason.Message}");
        }
        catch (OperationCanceledException)
        {
            output.WriteLine();
            output.WriteLine("Disconnected.");
            return 0;
        }
    }

    public static Command CreatePairWith()
    {
        var host = new Argument<string>("host") { Description = "address of the machine running `opendesk pair`" };
        var code = new Argument<string>("code") { Description = "the 6-digit pairing code it shows" };
        var port = new Option<int>("--port") { Description = "its port", DefaultValueFactory = _ => 8423 }.Port(allowAny: false);
        var name = new Option<string?>("--name") { Description = "name to store it under (default peer-xxxxxx); must not be taken, nor 'local' (this machine in `opendesk mcp`)" };
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
        command.Validators.Add(result =>
        {
            // Upstream desks take any string as a code; ours show six digits, and a mistyped one would cost an attempt.
            if (result.GetValue(code) is { } value && !result.GetValue(legacy) && !OptionRules.IsPairingCode(value))
            {
                result.AddError($"the pairing code is the 6 digits the desk shows, e.g. 004217; got {PyRepr.Format(value)}");
            }

            if (result.GetValue(name) is { } wanted && wanted.Trim().Length == 0)
            {
                result.AddError("--name must not be empty");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var home = Cli.HomeOf(parse);
            var store = new TrustStore(home);
            if (parse.GetValue(name) is { } reserved)
            {
                PeerNameRules.RefuseReserved(reserved, "choose another --name");
            }

            if (parse.GetValue(name) is { } wanted && store.List().FirstOrDefault(p => p.Name == wanted) is { } taken)
            {
                throw new CliException(
                    $"a peer named {PyRepr.Format(wanted)} already exists ({taken.Fingerprint}); choose another --name, or leave --name out when pairing again with that same machine (it keeps its name).");
            }

            Cli.IdentityOf(home);
            if (parse.GetValue(legacy))
            {
                Console.Error.WriteLine(PairCommand.LegacyWarning);
            }

            try
            {
                await using var remote = await RemoteComputer.PairWithAsync(
                    parse.GetValue(host)!, parse.GetValue(code)!, parse.GetValue(port), parse.GetValue(name), new RemoteComputerOptions { Home = home.Path }, parse.GetValue(legacy), ct);
                PrintPaired(store.FindByKey(remote.ServerPublicKey)!);
                return 0;
            }
            catch (BusyException busy) when (busy.PairedPeer is { } paired)
            {
                PrintPaired(paired);
                Console.WriteLine($"  The desk is busy: {busy.ActiveController ?? "another controller"} is the active controller. Connect later with `opendesk connect {paired.Name}`.");
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return PairCommand.CancelledExit;
            }
        });
        return command;
    }

    private static void PrintPaired(TrustedPeer stored)
    {
        Console.WriteLine($"✓ Paired with {stored.Name} ({stored.Fingerprint})");
        Console.WriteLine($"  Now reachable as: opendesk connect {stored.Name}");
    }

    public static Command CreateConnect()
    {
        var peer = new Argument<string?>("peer") { Description = "peer name, fingerprint, or ws://host:port#pubkeyhex (default: the default peer)", Arity = ArgumentArity.ZeroOrOne };
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
            var json = parse.GetValue(Cli.Json);
            var path = parse.GetValue(screenshot);
            if (path is not null)
            {
                OutputFile.EnsureWritableDirectory(path, "--screenshot");
            }

            await using var remote = await RemoteConnection.ConnectAsync(Cli.HomeOf(parse), target, ct);
            var capabilities = remote.Manifest.Capabilities.Order(StringComparer.Ordinal).ToList();
            if (!json)
            {
                Console.WriteLine($"Connected to {target ?? "default"}  backend={remote.Manifest.Backend}");
                Console.WriteLine($"Capabilities: {PyRepr.Format(capabilities)}");
            }

            SavedScreenshot? saved = null;
            if (path is not null)
            {
                var pixmap = await remote.CaptureAsync(cancellationToken: ct);
                await OutputFile.WriteAsync(path, pixmap.Data, "--screenshot", ct);
                saved = new SavedScreenshot(Path.GetFullPath(path), pixmap.Format, pixmap.Width, pixmap.Height);
                if (!json)
                {
                    Console.WriteLine($"Saved screenshot ({pixmap.Width}x{pixmap.Height}) → {path}");
                }
            }

            if (json)
            {
                Cli.WriteJson(new ConnectSummary(target ?? "default", remote.Manifest.Backend, capabilities, remote.Manifest.Description, saved), CliJsonContext.Default.ConnectSummary);
            }

            return parse.GetValue(hold) ? await HoldAsync(remote, json ? Console.Error : Console.Out, ct) : 0;
        });
        return command;
    }
}
