using System.CommandLine;
using OpenDesk.Cli.Json;
using OpenDesk.Server.Admin;

namespace OpenDesk.Cli.Commands;

/// <summary><c>opendesk sessions</c> and <c>opendesk disconnect</c>: the running daemon over its admin endpoint.</summary>
internal static class SessionsCommand
{
    public static Command CreateSessions()
    {
        var command = new Command("sessions", "Show the active controller session of the running `opendesk serve` (0 or 1)");
        command.Options.Add(Cli.Json);
        command.SetAction(async (parse, ct) =>
        {
            IReadOnlyList<AdminSession> sessions;
            try
            {
                sessions = await AdminClient.ListAsync(AdminEndpoint.Of(Cli.HomeOf(parse)), ct);
            }
            catch (OpenDeskException ex)
            {
                return Cli.Error(ex.Message);
            }

            if (parse.GetValue(Cli.Json))
            {
                Cli.WriteJson(Listing(sessions), CliJsonContext.Default.IReadOnlyListSessionListing);
                return 0;
            }

            if (sessions.Count == 0)
            {
                Console.WriteLine("No active session.");
                return 0;
            }

            Console.WriteLine($"{Cli.Pad("PEER", 22)}  {Cli.Pad("FROM", 22)}  {Cli.Pad("AGE", 8)}  ID");
            foreach (var s in sessions)
            {
                var peer = s.PeerName.Length > 0 ? s.PeerName : "?";
                Console.WriteLine($"{Cli.Pad(peer, 22)}  {Cli.Pad(s.RemoteAddress, 22)}  {Cli.Pad(Age(s.AgeSeconds), 8)}  {s.Id}");
            }

            return 0;
        });
        return command;
    }

    public static Command CreateDisconnect()
    {
        var command = new Command(
            "disconnect",
            "Ask the active controller to leave (cooperative; sends session.evicted PUSH and closes). Peer stays paired. For enforced kicks of misbehaving peers use `opendesk unpair`.");
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var killed = await AdminClient.KillAllAsync(AdminEndpoint.Of(Cli.HomeOf(parse)), ct);
                Console.WriteLine(killed == 0 ? "No active session to disconnect." : "Disconnected the active controller.");
                return 0;
            }
            catch (OpenDeskException ex)
            {
                return Cli.Error(ex.Message);
            }
        });
        return command;
    }

    /// <summary>The sessions as <c>--json</c> lists them.</summary>
    internal static IReadOnlyList<SessionListing> Listing(IEnumerable<AdminSession> sessions) =>
        [.. sessions.Select(s => new SessionListing(
            s.Id,
            new SessionPeer(s.PeerName, s.PeerPublicKeyHex, s.PeerPublicKeyHex.Length >= 16 ? Trust.Fingerprint.Colon(s.PeerPublicKeyHex) : ""),
            s.RemoteAddress,
            s.StartedAt,
            s.AgeSeconds,
            s.Mode))];

    /// <summary>Age as the spec's sessions table shows it: whole seconds, minutes, hours or days.</summary>
    internal static string Age(double seconds)
    {
        var s = (long)seconds;
        return s switch
        {
            < 60 => $"{s}s",
            < 3600 => $"{s / 60}m",
            < 86400 => $"{s / 3600}h",
            _ => $"{s / 86400}d",
        };
    }
}
