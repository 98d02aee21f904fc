namespace OpenDesk.Session;

/// <summary>
/// The four 32-byte keys a CPace pairing derives (pairing-cpace.md §4): one confirmation MAC key per direction,
/// then the session keys of the encrypted channel.
/// </summary>
internal sealed record CpacePairingKeys(byte[] ClientMacKey, byte[] ServerMacKey, byte[] ClientToServerKey, byte[] ServerToClientKey);
