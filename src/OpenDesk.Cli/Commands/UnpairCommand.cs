using System.CommandLine;
using OpenDesk.Protocol;
using OpenDesk.Server.Admin;
using OpenDesk.Trust;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// <c>opendesk unpair NAME</c>: the enforced way to free the slot. Trust goes first, so the kicked controller's
/// next connection fails authentication; then its live session is evicted through the admin endpoint.
/// </summary>
internal static class UnpairCommand
{
    public static Command Create()
    {
        var command = new Command("unpair", "Revoke a paired controller (and disconnect them if active)");
        var name = new Argument<string>("name") { Description = "Friendly name from `opendesk peers list`, or the peer's fingerprint" };
        command.Arguments.Add(name);
        command.SetAction((parse, ct) => RunAsync(Cli.HomeOf(parse), parse.GetValue(name)!, ct));
        return command;
    }

    public static async Task<int> RunAsync(OpenDeskHome home, string target, CancellationToken cancellationToken)
    {
        var store = new TrustStore(home);
        var matches = PeerSelector.Matches(store.List(), target);
        if (matches.Count > 1)
        {
            throw new CliException(PeerSelector.Ambiguous(matches, target, "unpair"));
        }

        if (matches.Count == 0 || !store.Remove(matches[0].PublicKey))
        {
            return Cli.Complain($"No peer matched {PyRepr.Format(target)}.");
        }

        var removed = matches[0];
        var kicked = false;
        try
        {
            var admin = AdminEndpoint.Of(home);
            var sessions = await AdminClient.ListAsync(admin, cancellationToken);
            foreach (var session in sessions.Where(s => s.PeerPublicKeyHex == removed.PublicKey))
            {
                kicked |= await AdminClient.KillAsync(admin, session.Id, cancellationToken);
            }
        }
        catch (OpenDeskException)
        {
            // Best effort (spec §24): with no daemon running there is no session to kick.
        }

        Console.WriteLine(kicked ? $"Unpaired {target} and disconnected the active session." : $"Unpaired {target}.");
        return 0;
    }
}
