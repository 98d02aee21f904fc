using OpenDesk.Protocol;
using OpenDesk.Session.Pake;
using OpenDesk.Transport;

namespace OpenDesk.Session;

/// <summary>
/// First contact with a CPace PAKE keyed by the 6-digit code (docs/protocol/pairing-cpace.md): four messages, after
/// which each side knows the other holds the code and the static private key it advertised. Unlike the v1 pairing
/// (<see cref="PairingHandshake"/>), neither a recorded run nor an active attempt lets anyone test codes offline.
/// </summary>
public static class CpacePairingHandshake
{
    public const string Hello = "cpace_hello";
    public const string Offer = "cpace_offer";
    public const string Finish = "cpace_finish";
    public const string Confirm = "cpace_confirm";
    public const string Reject = "cpace_reject";

    /// <summary>
    /// What the client reports when the server hangs up on <c>cpace_hello</c>. A v1-only server does exactly that
    /// ("expected pair_hello, got 'cpace_hello'"), and so does one with no pairing window open. The client must
    /// say so and never retry with v1 on its own; see <see cref="IsRefusedAtHello"/>.
    /// </summary>
    public const string RefusedAtHelloMessage =
        "server closed the connection at cpace_hello: it has no pairing window open, or it only supports legacy v1 pairing";

    /// <summary>True when the failure is the server hanging up on <c>cpace_hello</c> (see <see cref="RefusedAtHelloMessage"/>).</summary>
    public static bool IsRefusedAtHello(HandshakeException exception) =>
        exception.Reason == HandshakeFailureReason.Protocol && exception.Detail == RefusedAtHelloMessage;

    /// <summary>The client (controller) side: the one that was given the code to type.</summary>
    /// <remarks><paramref name="ephemeral"/> and <paramref name="cpaceScalar"/> fix the per-run secrets, for vectors only.</remarks>
    public static async Task<SessionKeys> RunClientAsync(
        IMessageTransport transport, KeyPair staticKey, string code, CancellationToken cancellationToken, KeyPair? ephemeral = null, byte[]? cpaceScalar = null)
    {
        var prs = CpacePairingCrypto.PasswordString(code);
        ephemeral ??= KeyPair.Generate();
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(Hello, ("e", ephemeral.PublicKey), ("s", staticKey.PublicKey)), Hello, cancellationToken).ConfigureAwait(false);

        var offer = await ReceiveOfferAsync(transport, cancellationToken).ConfigureAwait(false);
        var serverEphemeral = HandshakeMessage.Field(offer, "e", 32);
        var serverStatic = HandshakeMessage.Field(offer, "s", 32);
        var serverShare = HandshakeMessage.Field(offer, "y", CpacePairingCrypto.Suite.Group.ElementSize);

        var dhEsEc = ephemeral.Agree(serverEphemeral);
        var dhSsEc = ephemeral.Agree(serverStatic);
        var dhEsSc = staticKey.Agree(serverEphemeral);
        var dhSsSc = staticKey.Agree(serverStatic);

        var suite = CpacePairingCrypto.Suite;
        var sid = CpacePairingCrypto.SessionId(ephemeral.PublicKey, serverEphemeral);
        var generator = suite.CalculateGenerator(prs, CpacePairingCrypto.ChannelIdentifier(serverStatic, staticKey.PublicKey), sid);
        var scalar = cpaceScalar ?? suite.SampleScalar();
        var clientShare = suite.Share(scalar, generator);
        var k = suite.SharedPoint(scalar, serverShare) ?? throw InvalidShare();

        var isk = CpacePairingCrypto.IntermediateSessionKey(sid, k, serverShare, clientShare);
        var transcriptHash = CpacePairingCrypto.TranscriptHash(ephemeral.PublicKey, staticKey.PublicKey, serverEphemeral, serverStatic, serverShare, clientShare);
        var keys = CpacePairingCrypto.DeriveKeys(isk, transcriptHash, dhEsEc, dhSsEc, dhEsSc, dhSsSc);
        var clientMac = CpacePairingCrypto.ClientMac(keys, transcriptHash);
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(Finish, ("y", clientShare), ("mac", clientMac)), Finish, cancellationToken).ConfigureAwait(false);

        var answer = await HandshakeMessage.ReceiveAsync(transport, cancellationToken, Confirm, Reject).ConfigureAwait(false);
        if (answer["kind"] is Reject)
        {
            throw new HandshakeException(HandshakeFailureReason.WrongCode, "server rejected the pairing code — wrong code?");
        }

        var serverMac = HandshakeMessage.Field(answer, "mac", CpacePairingCrypto.MacSize);
        if (!CpacePairingCrypto.MacMatches(CpacePairingCrypto.ServerMac(keys, transcriptHash, clientMac), serverMac))
        {
            throw new HandshakeException(HandshakeFailureReason.WrongCode, "server could not prove the pairing code");
        }

        return new SessionKeys(keys.ClientToServerKey, keys.ServerToClientKey, serverStatic);
    }

    /// <summary>
    /// The server (desk) side, after <c>cpace_hello</c> was received and parsed. On a wrong MAC it answers
    /// <c>cpace_reject</c> and throws; its own MAC is only ever sent to a client that already proved the code.
    /// </summary>
    /// <remarks><paramref name="ephemeral"/> and <paramref name="cpaceScalar"/> fix the per-run secrets, for vectors only.</remarks>
    public static async Task<SessionKeys> RunServerAsync(
        IMessageTransport transport, KeyPair staticKey, string code, MsgMap hello, CancellationToken cancellationToken, KeyPair? ephemeral = null, byte[]? cpaceScalar = null)
    {
        var prs = CpacePairingCrypto.PasswordString(code);
        var clientEphemeral = HandshakeMessage.Field(hello, "e", 32);
        var clientStatic = HandshakeMessage.Field(hello, "s", 32);
        ephemeral ??= KeyPair.Generate();

        // Computed before anything is sent, so a low-order key fails the attempt without an offer.
        var dhEsEc = ephemeral.Agree(clientEphemeral);
        var dhSsEc = staticKey.Agree(clientEphemeral);
        var dhEsSc = ephemeral.Agree(clientStatic);
        var dhSsSc = staticKey.Agree(clientStatic);

        var suite = CpacePairingCrypto.Suite;
        var sid = CpacePairingCrypto.SessionId(clientEphemeral, ephemeral.PublicKey);
        var generator = suite.CalculateGenerator(prs, CpacePairingCrypto.ChannelIdentifier(staticKey.PublicKey, clientStatic), sid);
        var scalar = cpaceScalar ?? suite.SampleScalar();
        var serverShare = suite.Share(scalar, generator);
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(Offer, ("e", ephemeral.PublicKey), ("s", staticKey.PublicKey), ("y", serverShare)), Offer, cancellationToken).ConfigureAwait(false);

        var finish = await HandshakeMessage.ReceiveAsync(transport, cancellationToken, Finish).ConfigureAwait(false);
        var clientShare = HandshakeMessage.Field(finish, "y", suite.Group.ElementSize);
        var clientMac = HandshakeMessage.Field(finish, "mac", CpacePairingCrypto.MacSize);
        var k = suite.SharedPoint(scalar, clientShare) ?? throw InvalidShare();

        var isk = CpacePairingCrypto.IntermediateSessionKey(sid, k, serverShare, clientShare);
        var transcriptHash = CpacePairingCrypto.TranscriptHash(clientEphemeral, clientStatic, ephemeral.PublicKey, staticKey.PublicKey, serverShare, clientShare);
        var keys = CpacePairingCrypto.DeriveKeys(isk, transcriptHash, dhEsEc, dhSsEc, dhEsSc, dhSsSc);
        if (!CpacePairingCrypto.MacMatches(CpacePairingCrypto.ClientMac(keys, transcriptHash), clientMac))
        {
            await TrySendRejectAsync(transport, cancellationToken).ConfigureAwait(false);
            throw new HandshakeException(HandshakeFailureReason.WrongCode, "client could not prove the pairing code");
        }

        var serverMac = CpacePairingCrypto.ServerMac(keys, transcriptHash, clientMac);
        await HandshakeMessage.SendAsync(transport, HandshakeMessage.Encode(Confirm, ("mac", serverMac)), Confirm, cancellationToken).ConfigureAwait(false);
        return new SessionKeys(keys.ServerToClientKey, keys.ClientToServerKey, clientStatic);
    }

    private static async Task<MsgMap> ReceiveOfferAsync(IMessageTransport transport, CancellationToken cancellationToken)
    {
        byte[]? data;
        try
        {
            data = await transport.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionClosedException ex)
        {
            throw new HandshakeException(HandshakeFailureReason.Protocol, RefusedAtHelloMessage, ex);
        }

        return data is null
            ? throw new HandshakeException(HandshakeFailureReason.Protocol, RefusedAtHelloMessage)
            : HandshakeMessage.Parse(data, Offer);
    }

    /// <summary>The reject is a courtesy so the client can say "wrong code"; a peer already gone changes nothing.</summary>
    private static async Task TrySendRejectAsync(IMessageTransport transport, CancellationToken cancellationToken)
    {
        try
        {
            await transport.SendAsync(HandshakeMessage.Encode(Reject), cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionClosedException)
        {
        }
    }

    private static HandshakeException InvalidShare() =>
        new(HandshakeFailureReason.Protocol, "peer sent an invalid CPace share");
}
