using OpenDesk.Protocol;
using OpenDesk.Session;

namespace OpenDesk.Fuzz;

/// <summary>
/// The plain handshake maps (spec §6.2, §7.1) checked as each side checks them (§6.5): the server's first
/// message (auth_hello or pair_hello) and the replies a client or server waits for later, each followed by
/// the field reads of that step. Only <see cref="HandshakeException"/> is a rejection.
/// </summary>
internal sealed class HandshakeTarget : IFuzzTarget
{
    private static readonly (string[] Kinds, (string Name, int? Length)[] Fields)[] Steps =
    [
        ([HandshakeMessage.AuthHello, HandshakeMessage.PairHello], [("e", 32)]),
        ([HandshakeMessage.AuthHello], [("e", 32), ("s", 32)]),
        ([HandshakeMessage.PairOffer], [("e", 32), ("ct", null)]),
        ([HandshakeMessage.PairFinish], [("ct", null)]),
        ([HandshakeMessage.AuthOffer], [("e", 32), ("ct", null)]),
    ];

    public string Name => "handshake";

    public FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var outcome = FuzzOutcome.Rejected;
        foreach (var (kinds, fields) in Steps)
        {
            try
            {
                var map = HandshakeMessage.Parse(input, kinds);
                foreach (var (name, length) in fields)
                {
                    HandshakeMessage.Field(map, name, length);
                }

                outcome = FuzzOutcome.Accepted;
            }
            catch (HandshakeException e) when (e.Reason == HandshakeFailureReason.Protocol)
            {
                // The documented rejection; the next step may still accept the same bytes.
            }
        }

        return outcome;
    }

    public IEnumerable<byte[]> Seeds(VectorFiles vectors)
    {
        foreach (var file in new[] { "pairing.json", "auth.json" })
        {
            foreach (var handshakeCase in vectors.Cases(file))
            {
                foreach (var message in handshakeCase.GetProperty("messages").EnumerateArray())
                {
                    yield return VectorFiles.Hex(message, "msgpack_hex");
                }
            }
        }

        foreach (var entry in vectors.Array("malformed.json"))
        {
            if (entry.GetProperty("decoder").GetString() == "handshake")
            {
                yield return VectorFiles.Hex(entry, "hex");
            }
        }
    }
}
