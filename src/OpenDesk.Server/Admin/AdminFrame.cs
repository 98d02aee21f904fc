using System.Buffers;
using System.Buffers.Binary;
using OpenDesk.Protocol;

namespace OpenDesk.Server.Admin;

/// <summary>
/// The admin IPC framing (spec §20.2): <c>u32be(length) || msgpack(map)</c>, one request and one response per
/// connection. The wire format is the Python daemon's, so the Python CLI can manage a .NET daemon and back.
/// </summary>
internal static class AdminFrame
{
    /// <summary>
    /// Upstream has no cap; a length prefix is attacker-chosen, so we refuse anything past 1 MiB before
    /// allocating. A real request or response is a few hundred bytes.
    /// </summary>
    public const int MaxFrameLength = 1 << 20;

    public const string TooLargeMessage = "admin frame too large";

    /// <summary>Length prefix plus msgpack body.</summary>
    public static byte[] Encode(MsgMap message)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        buffer.Write(stackalloc byte[4]);
        new MsgPackWriter(buffer).WriteValue(message);
        var frame = buffer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(frame, checked((uint)(frame.Length - 4)));
        return frame;
    }

    /// <summary>
    /// Decodes one complete frame held in memory. The body may be any msgpack value: the server has to answer
    /// a non-map request with its Python type name rather than reject it here.
    /// </summary>
    /// <exception cref="ProtocolException">Truncated input, a length that disagrees with the input, or bad msgpack.</exception>
    /// <exception cref="OpenDeskException">The declared length exceeds <see cref="MaxFrameLength"/>.</exception>
    public static object? Decode(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 4)
        {
            throw ProtocolException.Malformed($"admin frame of {frame.Length} bytes is shorter than its 4-byte length prefix");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(frame);
        if (length > MaxFrameLength)
        {
            throw new OpenDeskException(TooLargeMessage);
        }

        if (length != frame.Length - 4)
        {
            throw ProtocolException.Malformed($"admin frame declares {length} bytes but carries {frame.Length - 4}");
        }

        return MsgPackReader.ReadSingle(frame[4..]);
    }

    /// <summary>Reads exactly one frame; never allocates more than the cap whatever the prefix says.</summary>
    /// <exception cref="EndOfStreamException">The peer closed before a whole frame arrived.</exception>
    /// <exception cref="ProtocolException">The body is not valid msgpack.</exception>
    /// <exception cref="OpenDeskException">The declared length exceeds <see cref="MaxFrameLength"/>.</exception>
    public static async Task<object?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        await stream.ReadExactlyAsync(prefix, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length > MaxFrameLength)
        {
            throw new OpenDeskException(TooLargeMessage);
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return MsgPackReader.ReadSingle(body);
    }

    public static async Task WriteAsync(Stream stream, MsgMap message, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encode(message), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A session as <c>list</c> reports it, keys in the §20.3 order that the vectors pin.</summary>
    public static MsgMap SessionMap(SessionInfo session, double now) => new(7)
    {
        ["id"] = session.Id,
        ["peer_name"] = session.PeerName,
        ["peer_pubkey_hex"] = session.PeerPublicKeyHex,
        ["remote_addr"] = session.RemoteAddress,
        ["started_at"] = session.StartedAt,
        ["age_seconds"] = session.AgeSeconds(now),
        ["mode"] = session.Mode,
    };

    /// <summary><c>{"ok": false, "error": text}</c>, the shape of every failure reply (§20.2).</summary>
    public static MsgMap Error(string text) => new(2) { ["ok"] = false, ["error"] = text };
}
