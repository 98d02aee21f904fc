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
        var code = new Option<string?>("--code") { Description = "use this 6-digit pairing code instead of a random one" }.PairingCode();
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for a controller", DefaultValueFactory = _ => 300.0 }.PositiveSeconds();
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

            // A trust store that cannot take the new controller is reported now, before a code is given out.
            new TrustStore(home).List();
            var identity = Cli.IdentityOf(home);
            var host = parse.GetValue(ServeCommand.Host)!;
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
                    pairing = AdminClient.PairAsync(admin, request, servePort => PrintBox(LocalAddresses.For("0.0.0.0"), servePort, identity.Fingerprint, pairingCode, allowLegacy), ct);
                }
                else
                {
                    server = await OpenDeskServer.StartAsync(new ServerOptions
                    {
                        Home = home,
                        Computer = new OpenDesk.Computer.HeadlessComputer(),
                        Host = host,
                        Port = port,
                        PairingOnly = true,
                    }, ct);
                    pairing = server.PairAsync(request, ct);

                    // Shown only once the window is open, so a controller that reacts at once is not refused.
                    PrintBox(LocalAddresses.For(host), server.Port, identity.Fingerprint, pairingCode, allowLegacy);
                }

                var outcome = await pairing;
                Console.WriteLine($"✓ Paired with {outcome.Name} ({outcome.Fingerprint})");
                if (outcome.ActiveController is { } active)
                {
                    Console.WriteLine($"  The desk is busy: {active} is the active controller, so {outcome.Name} could not connect now.");
                    Console.WriteLine("  It can connect once the desk is free (`opendesk disconnect` asks the active controller to leave).");
                }

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

    /// <summary>
    /// The pairing panel of spec §24, with where this machine can be reached and the command to paste on the
    /// controller; it grows past 48 characters only when a line needs it.
    /// </summary>
    private static void PrintBox(IReadOnlyList<string> addresses, int port, string fingerprint, string code, bool legacy)
    {
        var host = addresses.Count > 0 ? addresses[0] : "<host>";
        string[] lines =
        [
            "opendesk pairing",
            $"{"port:",-14}{port}",
            $"{"fingerprint:",-14}{fingerprint}",
            .. addresses.Select((address, i) => $"{(i == 0 ? addresses.Count == 1 ? "address:" : "addresses:" : ""),-14}{address}"),
            "",
            $"{"pairing code:",-14}{code}",
            "",
            addresses.Count > 1 ? "Run on the controller (with an address it reaches):" : "Run on the controller:",
            $"opendesk pair-with {host} {code} --port {port}{(legacy ? " --legacy" : "")}",
            .. legacy
                ? new[] { "", "LEGACY: v1 controllers accepted. A v1 code", "can be brute-forced offline by anyone on", "the network while this window is open." }
                : [],
        ];
        var inner = Math.Max(BoxWidth - 4, lines.Max(l => l.Length));
        Console.WriteLine("┌" + new string('─', inner + 2) + "┐");
        foreach (var line in lines)
        {
            Console.WriteLine($"│ {line.PadRight(inner)} │");
        }

        Console.WriteLine("└" + new string('─', inner + 2) + "┘");
        Console.Out.Flush();
    }

}
