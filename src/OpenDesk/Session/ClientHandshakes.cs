using OpenDesk.Transport;

namespace OpenDesk.Session;

/// <summary>
/// The controller's side of a handshake, run over a fresh transport: it yields the keys of the encrypted channel
/// that follows on the same connection. Pairing and authentication are handshakes of this kind.
/// </summary>
public interface IClientHandshake
{
    /// <summary>A name for messages, e.g. <c>auth</c>.</summary>
    string Name { get; }

    /// <summary>Runs the handshake; fails with <see cref="HandshakeException"/> (or <see cref="ConnectionClosedException"/>).</summary>
    Task<SessionKeys> RunAsync(IMessageTransport transport, CancellationToken cancellationToken);
}

/// <summary>Reconnecting with keys paired before (spec §7): proves both static keys, no code.</summary>
/// <param name="staticKey">This controller's identity.</param>
/// <param name="serverPublicKey">The server's static public key, as stored at pairing or given in the URL.</param>
public sealed class AuthClientHandshake(KeyPair staticKey, byte[] serverPublicKey) : IClientHandshake
{
    public string Name => "auth";

    public Task<SessionKeys> RunAsync(IMessageTransport transport, CancellationToken cancellationToken) =>
        AuthHandshake.RunClientAsync(transport, staticKey, serverPublicKey, cancellationToken);
}

/// <summary>
/// First contact by CPace (docs/protocol/pairing-cpace.md), the default: one attempt tests one code, and nothing
/// observed or tried lets anyone test codes offline.
/// </summary>
/// <param name="staticKey">This controller's identity.</param>
/// <param name="code">The code the desk shows.</param>
public sealed class CpacePairingClientHandshake(KeyPair staticKey, string code) : IClientHandshake
{
    public string Name => "pairing";

    public Task<SessionKeys> RunAsync(IMessageTransport transport, CancellationToken cancellationToken) =>
        CpacePairingHandshake.RunClientAsync(transport, staticKey, code, cancellationToken);
}

/// <summary>
/// First contact by protocol v1 pairing (spec §6), for servers that have nothing else. Whoever connects to the
/// desk while its window is open can test every code offline; use it only when the owner opened a legacy window
/// on a network they trust.
/// </summary>
/// <param name="staticKey">This controller's identity.</param>
/// <param name="code">The code the desk shows.</param>
public sealed class LegacyPairingClientHandshake(KeyPair staticKey, string code) : IClientHandshake
{
    public string Name => "legacy pairing";

    public Task<SessionKeys> RunAsync(IMessageTransport transport, CancellationToken cancellationToken) =>
        PairingHandshake.RunClientAsync(transport, staticKey, HandshakeCrypto.DerivePsk(code), cancellationToken);
}
