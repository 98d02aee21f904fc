namespace OpenDesk.Transport;

/// <summary>Helpers for the <c>"{ip}:{port}"</c> strings transports report (spec §15.1).</summary>
public static class RemoteAddress
{
    /// <summary>The address without its port: what stays the same when a peer reconnects, or a flood retries.</summary>
    public static string HostOf(string remoteAddress)
    {
        var colon = remoteAddress.LastIndexOf(':');
        return colon > 0 ? remoteAddress[..colon] : remoteAddress;
    }
}
