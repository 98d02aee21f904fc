using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using OpenDesk.Protocol;
using OpenDesk.Transport;

namespace OpenDesk.Session;

/// <summary>
/// ChaCha20-Poly1305 per frame with implicit per-direction counters as nonces (spec §8). Any frame that
/// fails authentication (tampered, replayed, reordered, truncated) closes the transport: there is no resync.
/// Sends are serialised here so that the counter order is the wire order.
/// </summary>
public sealed class SecureChannel : IAsyncDisposable
{
    public const string IntegrityFailure = "frame integrity check failed";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly IMessageTransport _transport;
    private readonly ChaCha20Poly1305 _sendCipher;
    private readonly ChaCha20Poly1305 _receiveCipher;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _sendBuffer = new(1024);
    private ulong _sendCounter;
    private ulong _receiveCounter;
    private volatile bool _closed;

    public SecureChannel(IMessageTransport transport, SessionKeys keys)
    {
        _transport = transport;
        _sendCipher = new ChaCha20Poly1305(keys.SendKey);
        _receiveCipher = new ChaCha20Poly1305(keys.ReceiveKey);
        PeerStaticPublic = keys.PeerStaticPublic;
    }

    public byte[] PeerStaticPublic { get; }

    public string RemoteAddress => _transport.RemoteAddress;

    public bool IsClosed => _closed;

    /// <summary>Encrypts and sends one frame. The token only bounds the wait for the writer slot.</summary>
    public async ValueTask SendAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_closed)
            {
                throw new ConnectionClosedException("send on closed connection");
            }

            _sendBuffer.ResetWrittenCount();
            FrameCodec.Encode(frame, _sendBuffer);
            var message = Seal(_sendBuffer.WrittenSpan);

            // Once a frame is sealed it must go out: cancelling a WebSocket send aborts the whole socket, and
            // a frame skipped after sealing would desynchronise the nonce counter anyway.
            await _transport.SendAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Receives and decodes the next frame, or null when the peer closed the connection.</summary>
    public async ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (_closed)
        {
            throw new ConnectionClosedException("recv on closed connection");
        }

        var message = await _transport.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return null;
        }

        var plaintext = ArrayPool<byte>.Shared.Rent(Math.Max(message.Length - TagSize, 1));
        try
        {
            var length = Open(message, plaintext);
            return FrameCodec.Decode(plaintext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    public async ValueTask CloseAsync(TransportCloseStatus status = TransportCloseStatus.Normal)
    {
        _closed = true;
        await _transport.CloseAsync(status).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _sendCipher.Dispose();
        _receiveCipher.Dispose();
        _sendLock.Dispose();
    }

    /// <summary>Encrypts one frame under the next send nonce. Exposed for the channel vectors.</summary>
    internal byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        WriteNonce(nonce, _sendCounter++);
        var message = new byte[plaintext.Length + TagSize];
        _sendCipher.Encrypt(nonce, plaintext, message.AsSpan(0, plaintext.Length), message.AsSpan(plaintext.Length));
        return message;
    }

    /// <summary>Decrypts one message under the next receive nonce into <paramref name="plaintext"/>; closes on failure.</summary>
    internal int Open(ReadOnlySpan<byte> message, Span<byte> plaintext)
    {
        if (message.Length < TagSize)
        {
            throw FailIntegrity(null);
        }

        Span<byte> nonce = stackalloc byte[NonceSize];
        WriteNonce(nonce, _receiveCounter);
        var length = message.Length - TagSize;
        try
        {
            _receiveCipher.Decrypt(nonce, message[..length], message[length..], plaintext[..length]);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw FailIntegrity(ex);
        }

        _receiveCounter++;
        return length;
    }

    private ConnectionClosedException FailIntegrity(Exception? inner)
    {
        _closed = true;
        _ = _transport.CloseAsync(TransportCloseStatus.ProtocolError, IntegrityFailure).AsTask();
        return new ConnectionClosedException(IntegrityFailure, inner);
    }

    private static void WriteNonce(Span<byte> nonce, ulong counter)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], counter);
    }
}
