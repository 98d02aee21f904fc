using OpenDesk.Computer;
using OpenDesk.Protocol;

namespace OpenDesk.Mcp.Desks;

/// <summary>What an agent reads when a desk refuses or fails: the desk's own words and what to do about it.</summary>
internal static class DeskErrors
{
    public static string ConnectFailure(string name, OpenDeskException ex) => ex switch
    {
        BusyException busy =>
            $"Desk '{name}' is busy, and it said: \"{busy.Detail}\" Only one controller drives a desk at a time. Wait and call again later, " +
            $"or ask the person at '{name}' to run `opendesk disconnect` there if that controller should leave.",
        HandshakeException { Reason: HandshakeFailureReason.UnexpectedPeer or HandshakeFailureReason.UntrustedPeer } =>
            $"Desk '{name}' no longer accepts this controller: it was most likely unpaired there (or another machine now answers at its address). " +
            $"Pairing is a step for a person: run `opendesk pair` on '{name}', then `opendesk pair-with <host> <code> --name {name}` here.",
        ConnectionClosedException { Reason: ConnectionCloseReason.Unreachable } =>
            $"Cannot reach desk '{name}': {ex.Message}. Check that `opendesk serve` runs there and the network between you; then call again.",
        _ => $"Could not connect to desk '{name}': {ex.Message}",
    };

    /// <summary>The text for a failed call on an open desk.</summary>
    public static string CallFailure(Desk desk, string method, Exception ex)
    {
        var where = desk.IsLocal ? "this machine" : $"desk '{desk.Name}'";
        var action = Methods.Find(method) is { Class: MethodClass.Action };

        // This machine's backend throws BCL and opendesk exceptions: read them through the mapping serve answers
        // with (spec §14.2), so an agent gets the same text for the same failure here as from a desk.
        if (desk.IsLocal)
        {
            ex = ErrorMapping.ToException(ErrorMapping.ToErrorInfo(ex));
        }

        return ex switch
        {
            SessionEvictedException evicted =>
                $"Desk '{desk.Name}' ended this controller's session ({evicted.Message}): its owner ran `opendesk disconnect`, unpaired this controller, " +
                "or the same controller connected from elsewhere. opendesk does not take the desk back on its own; calling a tool on it again connects anew, " +
                "so do that only if you should have the desk back.",
            CapabilityUnsupportedException unsupported =>
                $"{Capitalised(where)} cannot do {method}: {unsupported.Detail} (opendesk_capabilities lists what it can do).",
            PermissionDeniedException denied =>
                $"The owner of {where} refused {method}: {denied.Detail}. Do not retry it unchanged; ask the person at the desk.",
            NotFoundException or ProtocolException { Code: ErrorCodes.NotFound } => $"Not found on {where}: {Detail(ex)}",
            ProtocolException { Code: ErrorCodes.InvalidArgument } => $"{Capitalised(where)} rejected the arguments of {method}: {Detail(ex)}",
            ProtocolException { Code: ErrorCodes.Timeout } => $"{method} timed out on {where}: {Detail(ex)}",
            ConnectionClosedException or ProtocolException { Code: ErrorCodes.Protocol } when action =>
                $"The connection to {where} broke during {method} ({ex.Message}). An action is never sent twice, so it may or may not have happened: " +
                "take a screenshot to check before repeating it.",
            ConnectionClosedException or ProtocolException { Code: ErrorCodes.Protocol } =>
                $"Lost the connection to {where} ({ex.Message}) and it did not come back within 30 s. Check that `opendesk serve` still runs there, then call again.",
            ProtocolException protocol => $"{method} failed on {where} ({protocol.Code}): {protocol.Detail}",
            OpenDeskException => $"{method} failed on {where}: {ex.Message}",
            ObjectDisposedException when !desk.IsLocal =>
                $"The connection to {where} was closed (opendesk_disconnect) while {method} ran. Call again to connect anew" +
                (action ? "; the action may or may not have happened, so take a screenshot to check before repeating it." : "."),
            _ => $"{method} failed on {where}: {ex.Message}",
        };
    }

    private static string Detail(Exception ex) => ex is ProtocolException p ? p.Detail : ex.Message;

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
