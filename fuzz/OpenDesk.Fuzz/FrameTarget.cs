using OpenDesk.Protocol;

namespace OpenDesk.Fuzz;

/// <summary>
/// Decrypted frame bytes to <see cref="Frame"/> (spec §9.2): what a session decodes from every message its peer
/// sends. An accepted frame must also encode and decode again to the same type: a frame the codec cannot
/// write back would mean the decoder admits values outside the frame model.
/// </summary>
internal sealed class FrameTarget : IFuzzTarget
{
    public string Name => "frames";

    public FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        Frame frame;
        try
        {
            frame = FrameCodec.Decode(input);
        }
        catch (ProtocolException)
        {
            return FuzzOutcome.Rejected;
        }

        var again = FrameCodec.Decode(FrameCodec.Encode(frame));
        if (again.GetType() != frame.GetType())
        {
            throw new InvalidOperationException($"{frame.GetType().Name} re-encoded decodes as {again.GetType().Name}");
        }

        return FuzzOutcome.Accepted;
    }

    public IEnumerable<byte[]> Seeds(VectorFiles vectors)
    {
        foreach (var entry in vectors.Array("frames.json"))
        {
            yield return VectorFiles.Hex(entry, "msgpack_hex");
        }

        foreach (var entry in vectors.Array("frames-tolerant.json"))
        {
            yield return VectorFiles.Hex(entry, "msgpack_hex");
        }

        foreach (var entry in vectors.Array("malformed.json"))
        {
            if (entry.GetProperty("decoder").GetString() == "frame")
            {
                yield return VectorFiles.Hex(entry, "hex");
            }
        }

        foreach (var channelCase in vectors.Cases("channel.json"))
        {
            foreach (var direction in new[] { "client_to_server", "server_to_client" })
            {
                if (channelCase.TryGetProperty(direction, out var messages))
                {
                    foreach (var message in messages.EnumerateArray())
                    {
                        yield return VectorFiles.Hex(message, "plaintext_hex");
                    }
                }
            }
        }
    }
}
