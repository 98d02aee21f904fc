namespace OpenDesk.Trust;

/// <summary>The direction of trust an entry of <c>trusted-peers.json</c> records (spec §4.1).</summary>
public static class PeerRole
{
    /// <summary>The peer may control this machine.</summary>
    public const string Controller = "controller";

    /// <summary>This machine controls the peer.</summary>
    public const string Remote = "remote";

    /// <summary>Written before roles existed, or by the JS SDK; counts as both directions.</summary>
    public const string Legacy = "";

    internal static bool IsKnown(string role) => role is Controller or Remote or Legacy;
}
