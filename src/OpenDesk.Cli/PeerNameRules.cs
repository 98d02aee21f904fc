using OpenDesk.Protocol;

namespace OpenDesk.Cli;

/// <summary>Names a paired peer may not be given.</summary>
internal static class PeerNameRules
{
    /// <summary>The peer <c>opendesk mcp</c> reads as this machine's own desktop: a desk stored under it would be unreachable there, or hide this machine.</summary>
    public const string Local = "local";

    /// <summary>Throws when <paramref name="name"/> is reserved; <paramref name="chooseAnother"/> says how to give another (e.g. <c>choose another --name</c>).</summary>
    /// <exception cref="CliException">The name is reserved.</exception>
    public static void RefuseReserved(string name, string chooseAnother)
    {
        if (string.Equals(name.Trim(), Local, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(
                $"the name {PyRepr.Format(name)} is reserved: `opendesk mcp` uses it for this machine's own desktop; {chooseAnother}.");
        }
    }
}
