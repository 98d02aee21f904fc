namespace OpenDesk.Trust;

/// <summary>
/// <c>trusted-peers.json</c> cannot be read or updated: it is corrupt or unreadable, or another writer held
/// its lock too long. The file was left as it was.
/// </summary>
public sealed class TrustStoreException : OpenDeskException
{
    public TrustStoreException(string message, Exception? inner = null) : base(message, inner) { }
}
