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

    /// <summary>Shown wherever legacy (v1) pairing is chosen: what the owner gives up.</summary>
    public const string LegacyWarning =
        "WARNING: legacy (v1) pairing: anyone who connects while the window is open can test all 10^6 codes offline " +
        "and pair in your place. Use it only on a network you trust, for a controller without CPace pairing.";

    private const int BoxWidth = 48;

    public static Command Create()
    {
        var code = new Option<string?>("--code") { Description = "use this pairing code instead of a random one" };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for a controller", DefaultValueFactory = _ => 300.0 };
        var legacy = new Option<bool>("--legacy")
        {
            Description = "also accept protocol v1 pairing from controllers without CPace (their code can be brute-forced offline by anyone on the network)",
        };
        var command = new Command("pair", "Pair a new controller: show a one-time code and wait for `opendesk pair-with` on the controller");
        command.Options.Add(ServeCommand.Port);
        command.Options.Add(ServeCommand.Host);
        command.Options.Add(code);
        command.Options.Add(timeout);
        command.Options.Add(legacy);
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
            var allowLegacy = parse.GetValue(legacy);
            var request = new PairingRequest(pairingCode, TimeSpan.FromSeconds(seconds))
            {
                AllowLegacy = allowLegacy,
                OnNotice = notice => Console.WriteLine($"  {notice}"),
            };
            OpenDeskServer? server = null;
            try
            {
                Task<PairingOutcome> pairing;
                var admin = AdminEndpoint.Of(home);
                if (await IsServeRunningAsync(admin, ct))
                {
                    // The daemon's own port goes in the box: that is where pair-with must connect.
                    pairing = AdminClient.PairAsync(admin, request, servePort => PrintBox(servePort, identity.Fingerprint, pairingCode, allowLegacy), ct);
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
                    pairing = server.PairAsync(request, ct);

                    // Shown only once the window is open, so a controller that reacts at once is not refused.
                    PrintBox(port, identity.Fingerprint, pairingCode, allowLegacy);
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

    private static void PrintBox(int port, string fingerprint, string code, bool legacy)
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
            .. legacy
                ? new[] { "", "LEGACY: v1 controllers accepted. A v1 code", "can be brute-forced offline by anyone on", "the network while this window is open." }
                : [],
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
