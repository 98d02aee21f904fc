using System.CommandLine;
using System.Security.Cryptography;
using OpenDesk.Server;
using OpenDesk.Server.Admin;
using OpenDesk.Trust;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// <c>opendesk pair</c> on the controlled machine: shows a 6-digit code and accepts one controller. When serve
/// is already running it asks the daemon to open the window instead of fighting it for the port.
/// </summary>
internal static class PairCommand
{
    public const int CancelledExit = 130;
    private const int BoxWidth = 48;

    public static Command Create()
    {
        var code = new Option<string?>("--code") { Description = "use this pairing code instead of a random one" };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for a controller", DefaultValueFactory = _ => 300.0 };
        var command = new Command("pair", "Pair a new controller: show a one-time code and wait for `opendesk pair-with` on the controller");
        command.Options.Add(ServeCommand.Port);
        command.Options.Add(ServeCommand.Host);
        command.Options.Add(code);
        command.Options.Add(timeout);
        command.Options.Add(ServeCommand.NoMdns);
        command.SetAction(async (parse, ct) =>
        {
            var home = Cli.HomeOf(parse);
            var pairingCode = parse.GetValue(code) ?? RandomCode();
            var seconds = parse.GetValue(timeout);
            if (!(seconds > 0))
            {
                return Cli.Error("--timeout must be a positive number of seconds");
            }

            var identity = Identity.LoadOrCreate(home);
            var port = parse.GetValue(ServeCommand.Port);
            OpenDeskServer? server = null;
            try
            {
                Task<PairingOutcome> pairing;
                var admin = AdminEndpoint.Of(home);
                if (await IsServeRunningAsync(admin, ct))
                {
                    // The daemon's own port goes in the box: that is where pair-with must connect.
                    pairing = AdminClient.PairAsync(admin, pairingCode, TimeSpan.FromSeconds(seconds), servePort => PrintBox(servePort, identity.Fingerprint, pairingCode), ct);
                }
                else
                {
                    server = await OpenDeskServer.StartAsync(new ServerOptions
                    {
                        Home = home,
                        Computer = new OpenDesk.Computer.HeadlessComputer(),
                        Host = parse.GetValue(ServeCommand.Host)!,
                        Port = port,
                    }, ct);
                    pairing = server.PairAsync(pairingCode, TimeSpan.FromSeconds(seconds), ct);

                    // Shown only once the window is open, so a controller that reacts at once is not refused.
                    PrintBox(port, identity.Fingerprint, pairingCode);
                }

                var outcome = await pairing;
                Console.WriteLine($"✓ Paired with {outcome.Name} ({outcome.Fingerprint})");
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.WriteLine();
                Console.WriteLine("Pairing cancelled.");
                return CancelledExit;
            }
            catch (TimeoutException ex)
            {
                return Cli.Error(ex.Message);
            }
            catch (OpenDeskException ex)
            {
                return Cli.Error(ex.Message);
            }
            finally
            {
                if (server is not null)
                {
                    await server.DisposeAsync();
                }
            }
        });
        return command;
    }

    /// <summary>A live admin endpoint means serve holds the port: pairing must go through it.</summary>
    private static async Task<bool> IsServeRunningAsync(AdminEndpoint admin, CancellationToken ct)
    {
        try
        {
            await AdminClient.ListAsync(admin, ct);
            return true;
        }
        catch (OpenDeskException)
        {
            return false;
        }
    }

    private static string RandomCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static void PrintBox(int port, string fingerprint, string code)
    {
        string[] lines =
        [
            "opendesk pairing",
            $"{"port:",-14}{port}",
            $"{"fingerprint:",-14}{fingerprint}",
            "",
            $"{"pairing code:",-14}{code}",
            "",
            "Run on the controller:",
            $"opendesk pair-with <host> {code}",
        ];
        var inner = BoxWidth - 4;
        Console.WriteLine("┌" + new string('─', BoxWidth - 2) + "┐");
        foreach (var line in lines)
        {
            Console.WriteLine($"│ {line.PadRight(inner)} │");
        }

        Console.WriteLine("└" + new string('─', BoxWidth - 2) + "┘");
        Console.Out.Flush();
    }

}
