using System.Buffers;
using OpenDesk.Protocol;
using OpenDesk.Transport;

namespace OpenDesk.Session;

/// <summary>
/// The plain msgpack maps exchanged before encryption starts (spec §6.2, §7.1) and their validation in
/// the exact order and wording of spec §6.5.
/// </summary>
public static class HandshakeMessage
{
    public const int Version = 1;
    public const string PairHello = "pair_hello";
    public const string PairOffer = "pair_offer";
    public const string PairFinish = "pair_finish";
    public const string AuthHello = "auth_hello";
    public const string AuthOffer = "auth_offer";

    /// <summary>
    /// The receive limit until the other side has proven its key. Handshake messages and a client HELLO are well
    /// under 200 bytes; a stranger must not make either side buffer more than this.
    /// </summary>
    public const long MaxMessageBytes = 4 * 1024;

    /// <summary>Encodes <c>{v, kind, fields…}</c> with the fields in the given order.</summary>
    public static byte[] Encode(string kind, params ReadOnlySpan<(string Name, byte[] Value)> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var w = new MsgPackWriter(buffer);
        w.WriteMapHeader(2 + fields.Length);
        w.WriteString("v");
        w.WriteInt(Version);
        w.WriteString("kind");
        w.WriteString(kind);
        foreach (var (name, value) in fields)
        {
            w.WriteString(name);
            w.WriteBinary(value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Checks steps 2–5 of spec §6.5 and returns the map; step 1 (closed transport) is the caller's.</summary>
    public static MsgMap Parse(ReadOnlySpan<byte> data, params ReadOnlySpan<string> acceptedKinds)
    {
        var expected = acceptedKinds[0];
        object? value;
        try
        {
            value = MsgPackReader.ReadSingle(data);
        }
        catch (ProtocolException ex)
        {
            throw Fail($"malformed {expected} msgpack", ex);
        }

        if (value is not MsgMap map)
        {
            throw Fail($"{expected} not a dict");
        }

        map.TryGetValue("v", out var version);
        if (version is not long v || v != Version)
        {
            throw Fail($"unsupported handshake version {PyRepr.Format(version)}");
        }

        map.TryGetValue("kind", out var kind);
        foreach (var accepted in acceptedKinds)
        {
            if (kind is string k && k == accepted)
            {
                return map;
            }
        }

        throw Fail($"expected {expected}, got {PyRepr.Format(kind)}");
    }

    /// <summary>Step 6 of spec §6.5: a bin field, of an exact length when one is given.</summary>
    public static byte[] Field(MsgMap map, string name, int? length = null)
    {
        if (!map.TryGetValue(name, out var value) || value is not byte[] bytes)
        {
            throw Fail($"field {PyRepr.Format(name)} missing or wrong type");
        }

        if (length is { } n && bytes.Length != n)
        {
            throw Fail($"field {PyRepr.Format(name)} must be {n} bytes, got {bytes.Length}");
        }

        return bytes;
    }

    /// <summary>Receives the next handshake message; a closed transport is step 1 of spec §6.5.</summary>
    public static async Task<MsgMap> ReceiveAsync(IMessageTransport transport, CancellationToken cancellationToken, params string[] acceptedKinds)
    {
        byte[]? data;
        try
        {
            data = await transport.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionClosedException ex)
        {
            throw Fail(ClosedBefore(acceptedKinds[0]), ex);
        }

        return data is null ? throw Fail(ClosedBefore(acceptedKinds[0])) : Parse(data, acceptedKinds);
    }

    public static async Task SendAsync(IMessageTransport transport, byte[] message, string kind, CancellationToken cancellationToken)
    {
        try
        {
            await transport.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionClosedException ex)
        {
            throw Fail($"peer closed before {kind} could be sent", ex);
        }
    }

    /// <summary>True when the handshake ended because the peer hung up while <paramref name="kind"/> was awaited.</summary>
    internal static bool IsClosedBefore(HandshakeException exception, string kind) =>
        exception.Reason == HandshakeFailureReason.Protocol && exception.Detail == ClosedBefore(kind);

    private static string ClosedBefore(string kind) => $"peer closed before {kind}";

    private static HandshakeException Fail(string message, Exception? inner = null) =>
        new(HandshakeFailureReason.Protocol, message, inner);
}
