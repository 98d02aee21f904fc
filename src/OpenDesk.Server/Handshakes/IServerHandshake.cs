using OpenDesk.Protocol;
using OpenDesk.Session;
using OpenDesk.Transport;

namespace OpenDesk.Server.Handshakes;

/// <summary>
/// The desk's side of a handshake. The server reads the client's first message and hands it to the handshake
/// that answers its <c>kind</c>; the keys it yields carry the channel that follows on the same connection.
/// </summary>
public interface IServerHandshake
{
    /// <summary>The <c>kind</c> of the first message this handshake answers, e.g. <c>auth_hello</c>.</summary>
    string Kind { get; }

    /// <summary>Whether it is a pairing: a success stores the controller as trusted.</summary>
    bool Pairs { get; }

    /// <summary>Runs the rest of the handshake; fails with <see cref="HandshakeException"/>.</summary>
    Task<SessionKeys> RunAsync(IMessageTransport transport, MsgMap first, CancellationToken cancellationToken);
}

/// <summary>Authentication of a paired controller (spec §7); untrusted keys get the ambiguous empty offer.</summary>
/// <param name="staticKey">The desk's identity.</param>
/// <param name="isTrustedController">Whether a client static key may control this desk.</param>
public sealed class AuthServerHandshake(KeyPair staticKey, Func<byte[], bool> isTrustedController) : IServerHandshake
{
    public string Kind => HandshakeMessage.AuthHello;

    public bool Pairs => false;

    public Task<SessionKeys> RunAsync(IMessageTransport transport, MsgMap first, CancellationToken cancellationToken) =>
        AuthHandshake.RunServerAsync(transport, staticKey, first, isTrustedController, cancellationToken);
}

/// <summary>Pairing by CPace (docs/protocol/pairing-cpace.md), what every pairing window accepts.</summary>
/// <param name="staticKey">The desk's identity.</param>
/// <param name="code">The code the window shows.</param>
public sealed class CpacePairingServerHandshake(KeyPair staticKey, string code) : IServerHandshake
{
    public string Kind => CpacePairingHandshake.Hello;

    public bool Pairs => true;

    public Task<SessionKeys> RunAsync(IMessageTransport transport, MsgMap first, CancellationToken cancellationToken) =>
        CpacePairingHandshake.RunServerAsync(transport, staticKey, code, first, cancellationToken);
}

/// <summary>Protocol v1 pairing (spec §6), accepted only in a window its owner opened as legacy.</summary>
/// <param name="staticKey">The desk's identity.</param>
/// <param name="psk">The PBKDF2 key of the window's code.</param>
public sealed class LegacyPairingServerHandshake(KeyPair staticKey, byte[] psk) : IServerHandshake
{
    public string Kind => HandshakeMessage.PairHello;

    public bool Pairs => true;

    public Task<SessionKeys> RunAsync(IMessageTransport transport, MsgMap first, CancellationToken cancellationToken) =>
        PairingHandshake.RunServerAsync(transport, staticKey, psk, first, cancellationToken);
}
