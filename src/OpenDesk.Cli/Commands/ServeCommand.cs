using System.CommandLine;
using Microsoft.Extensions.Logging;
using OpenDesk.Discovery;
using OpenDesk.Server;
using OpenDesk.Server.Discovery;
using OpenDesk.Server.Policy;
using OpenDesk.Trust;

namespace OpenDesk.Cli.Commands;

/// <summary><c>opendesk serve</c>: the long-lived daemon on the controlled machine.</summary>
internal static class ServeCommand
{
    public const int NoTrustedPeersExit = 2;

    public static readonly Option<string> Host = new("--host") { Description = "address to listen on", DefaultValueFactory = _ => "0.0.0.0" };
    public static readonly Option<int> Port = new Option<int>("--port") { Description = "TCP port to listen on (0 = any free port)", DefaultValueFactory = _ => ServerOptions.DefaultPort }.Port(allowAny: true);
    public static readonly Option<bool> NoMdns = new("--no-mdns") { Description = "do not advertise on the LAN (mDNS)" };

    public static Command Create()
    {
        var liveness = new Option<double>("--liveness")
        {
            Description = "seconds within which a controller that vanished without closing loses its slot",
            DefaultValueFactory = _ => ServerOptions.DefaultLivenessTimeout.TotalSeconds,
        }.PositiveSeconds();
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log debug detail" };
        var approve = new Option<string>("--approve")
        {
            Description = "auto: allow every call; console: ask on this terminal before every action",
            DefaultValueFactory = _ => "auto",
        };
        approve.AcceptOnlyFromAmong("auto", "console");
        var virtualDisplay = new Option<string?>("--virtual-display")
        {
            Description = "when there is no usable DISPLAY, start an Xvfb desktop (with openbox) of this size, e.g. 1920x1080",
            Arity = ArgumentArity.ZeroOrOne,
        }.DisplaySize();
        var noDesktop = new Option<bool>("--no-desktop")
        {
            Description = "serve without a desktop (every desktop call is answered capability_unsupported): to check pairing and connections on a machine with no display",
        };
        var logFile = new Option<string?>("--log-file") { Description = "also log to this file, rotated at 10 MB with 5 backups" };
        var noAudit = new Option<bool>("--no-audit") { Description = "do not write the audit log (<home>/audit/YYYY-MM-DD.jsonl)" };
        var command = new Command(
            "serve",
            "Run the long-lived opendesk server (paired peers only). One controller at a time; a different peer trying to connect while one is active is rejected with BUSY.");
        command.Options.Add(Host);
        command.Options.Add(Port);
        command.Options.Add(NoMdns);
        command.Options.Add(liveness);
        command.Options.Add(verbose);
        command.Options.Add(approve);
        command.Options.Add(noAudit);
        command.Options.Add(logFile);
        command.Options.Add(virtualDisplay);
        command.Options.Add(noDesktop);
        command.SetAction(async (parse, ct) =>
        {
            var home = Cli.HomeOf(parse);
            var peers = new TrustStore(home).List();
            if (!peers.Any(p => p.Role != PeerRole.Remote))
            {
                Console.Error.WriteLine(peers.Count == 0
                    ? "ERROR: no trusted peers yet.  Run `opendesk pair` first."
                    : $"ERROR: no trusted controllers yet: the {peers.Count} trusted peer(s) here are desks this machine controls.  Run `opendesk pair` to pair a controller first.");
                return NoTrustedPeersExit;
            }

            Cli.IdentityOf(home);
            using var loggers = CreateLoggerFactory(parse.GetValue(verbose), parse.GetValue(logFile));
            var host = parse.GetValue(Host)!;
            var consoleApproval = parse.GetValue(approve) == "console";
            IApprovalPolicy policy = new AllowAllPolicy();
            if (consoleApproval)
            {
                var console = new ConsolePolicy(Console.IsInputRedirected ? null : Console.In, Console.Out);
                if (!console.HasTerminal)
                {
                    loggers.CreateLogger("opendesk.serve").LogWarning(ConsolePolicy.NoTtyWarning);
                }

                policy = console;
            }

            var logger = loggers.CreateLogger("opendesk.serve");
            OpenDeskServer server;
            await using var desktop = await DesktopHost.StartAsync(
                parse.GetResult(virtualDisplay) is null ? null : parse.GetValue(virtualDisplay) ?? VirtualDisplaySize, parse.GetValue(noDesktop), logger, ct);
            try
            {
                server = await OpenDeskServer.StartAsync(new ServerOptions
                {
                    Home = home,
                    Computer = desktop.Computer,
                    Host = host,
                    Port = parse.GetValue(Port),
                    LivenessTimeout = TimeSpan.FromSeconds(parse.GetValue(liveness)),
                    LoggerFactory = loggers,
                    Policy = policy,
                    Audit = !parse.GetValue(noAudit),
                }, ct);
            }
            catch (OpenDeskException ex)
            {
                return Cli.Error(ex.Message);
            }

            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
            string? lostDisplay = null;
            if (OperatingSystem.IsLinux())
            {
                OpenDesk.Linux.LinuxBackend.DisplayConnectionLost += display =>
                {
                    lostDisplay = display;
                    _ = Task.Run(() => StopAfterDisplayLoss(display, stopping));
                };
            }

            await using (server)
            {
                // A loopback-only server cannot be reached from the LAN, so announcing it there would only mislead.
                var reachable = !(System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address)) && host != "localhost";
                await using var advertiser = parse.GetValue(NoMdns) || !reachable ? null : await AdvertiseAsync(server, home, logger, ct);
                Console.WriteLine($"opendesk serve listening on {host}:{server.Port}  fp={server.Identity.Fingerprint}{(consoleApproval ? "  approve=console" : "")}");
                try
                {
                    await Task.Delay(Timeout.Infinite, stopping.Token);
                }
                catch (OperationCanceledException) when (lostDisplay is null)
                {
                    Console.WriteLine();
                    Console.WriteLine("Shutting down.");
                }
                catch (OperationCanceledException)
                {
                }
            }

            return lostDisplay is null ? 0 : DisplayLostExit;
        });
        return command;
    }

    private const string VirtualDisplaySize = "1920x1080";

    /// <summary>The exit code of a serve whose X server went away.</summary>
    public const int DisplayLostExit = 3;

    /// <summary>
    /// The desktop is gone for good: say so at once, stop serving, and if stopping hangs on the dead display, end
    /// the process anyway so a service manager can restart it.
    /// </summary>
    private static async Task StopAfterDisplayLoss(string display, CancellationTokenSource stopping)
    {
        Console.Error.WriteLine($"ERROR: lost the connection to the X server {display}; opendesk serve is stopping.");
        await stopping.CancelAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        Environment.Exit(DisplayLostExit);
    }

    /// <summary>Announces this server on the LAN; a failure is a warning, never a reason to stop serving.</summary>
    private static async Task<MdnsAdvertiser?> AdvertiseAsync(OpenDeskServer server, OpenDeskHome home, ILogger logger, CancellationToken ct)
    {
        try
        {
            var key = server.Identity.PublicKey;
            var service = new MdnsServiceInfo(MdnsServiceInfo.DefaultInstanceName(key), server.Port, key, new DescriptionFile(home).Read());
            return await MdnsAdvertiser.StartAsync(service, logger, ct);
        }
        catch (Exception ex) when (ex is MdnsException or IOException or System.Net.Sockets.SocketException or ArgumentException)
        {
            logger.LogWarning("not advertising on the LAN (mDNS): {Reason}", ex.Message);
            return null;
        }
    }

    /// <exception cref="CliException">The log file cannot be opened.</exception>
    internal static ILoggerFactory CreateLoggerFactory(bool verbose, string? logFile = null)
    {
        try
        {
            return CreateLoggers(verbose, logFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"cannot write the log file {logFile}: {ex.Message.TrimEnd('.')}. Give --log-file a path in a directory you can write.", inner: ex);
        }
    }

    private static ILoggerFactory CreateLoggers(bool verbose, string? logFile) =>
        LoggerFactory.Create(builder =>
        {
            var level = verbose ? LogLevel.Debug : LogLevel.Information;
            builder.SetMinimumLevel(level);
            builder.AddFilter("Microsoft", LogLevel.Warning);
            builder.AddProvider(new StderrLoggerProvider(level));
            if (logFile is not null)
            {
                builder.AddProvider(new RotatingFileLoggerProvider(logFile, level));
            }
        });
}
