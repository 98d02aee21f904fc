using OpenDesk.Protocol;
using OpenDesk.Server.Admin;

namespace OpenDesk.Fuzz;

/// <summary>
/// An admin request as the daemon reads it (spec §20.2): <c>u32be(length) || msgpack</c>, both through the
/// stream reader the server uses and through the in-memory decoder, then the parts of the request the server
/// quotes back in its error replies. Rejections are the admin error path only: <see cref="ProtocolException"/>,
/// the too-large <see cref="OpenDeskException"/>, and a stream that ends before its declared length.
/// </summary>
internal sealed class AdminTarget : IFuzzTarget
{
    public string Name => "admin";

    public FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var fromStream = ReadFromStream(input.ToArray());
        var decoderAccepted = true;
        try
        {
            AdminFrame.Decode(input);
        }
        catch (OpenDeskException e) when (IsAdminRejection(e))
        {
            decoderAccepted = false;
        }

        // The stream reader ignores bytes after the declared length (one request per connection), so it may
        // accept what the exact decoder refuses, never the other way round.
        if (decoderAccepted && !fromStream.Read)
        {
            throw new InvalidOperationException("the stream reader rejected a frame the in-memory decoder accepted");
        }

        if (!fromStream.Read)
        {
            return FuzzOutcome.Rejected;
        }

        if (fromStream.Value is MsgMap map)
        {
            map.TryGetValue("op", out var op);
            var reply = AdminFrame.Encode(AdminFrame.Error($"unknown op {PyRepr.Format(op)}"));
            if (AdminFrame.Decode(reply) is not MsgMap)
            {
                throw new InvalidOperationException("an error reply does not decode as a map");
            }
        }

        return FuzzOutcome.Accepted;
    }

    public IEnumerable<byte[]> Seeds(VectorFiles vectors)
    {
        foreach (var frame in vectors.Root("admin.json").GetProperty("frames").EnumerateArray())
        {
            yield return VectorFiles.Hex(frame, "frame_hex");
        }
    }

    private static (bool Read, object? Value) ReadFromStream(byte[] input)
    {
        using var stream = new MemoryStream(input, writable: false);
        try
        {
            // A MemoryStream completes synchronously, so this does not block on the thread pool.
            var value = AdminFrame.ReadAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
            return (true, value);
        }
        catch (EndOfStreamException)
        {
            return (false, null);
        }
        catch (OpenDeskException e) when (IsAdminRejection(e))
        {
            return (false, null);
        }
    }

    private static bool IsAdminRejection(OpenDeskException e) =>
        e is ProtocolException || (e.GetType() == typeof(OpenDeskException) && e.Message == AdminFrame.TooLargeMessage);
}
