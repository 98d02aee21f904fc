using System.Net;
using OpenDesk.Discovery;
using OpenDesk.Server.Discovery;

namespace OpenDesk.Tests.Discovery;

/// <summary>Malformed packets must only ever surface as <see cref="DnsFormatException"/>, and parsed ones must be safe to use.</summary>
public class MdnsFuzzTests
{
    private static readonly MdnsResponder Responder =
        new(new MdnsServiceInfo("desk-9c2f1a", 8423, new byte[32], "lab desk"), [IPAddress.Parse("192.0.2.2")]);

    private static readonly byte[][] Seeds =
    [
        Responder.Announcement().Encode(),
        Responder.Answer(new DnsMessage { Id = 7, Questions = [new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr)] }, legacyUnicast: true)!.Encode(),
        new DnsMessage
        {
            Questions =
            [
                new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr),
                new DnsQuestion(Responder.InstanceName, DnsRecordType.Srv),
                new DnsQuestion(Responder.HostName, DnsRecordType.A, UnicastResponse: true),
            ],
            Answers = [new DnsPtrRecord(MdnsProtocol.ServiceType, 4500, Responder.InstanceName)],
        }.Encode(),
    ];

    [Fact]
    public void Random_bytes_never_throw_anything_but_a_format_error()
    {
        var random = new Random(20231);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] packet = new byte[random.Next(0, 600)];
            random.NextBytes(packet);
            if (packet.Length >= 12 && i % 2 == 0)
            {
                // Small section counts get the parser past the header more often than random counts do.
                packet[4] = 0;
                packet[6] = 0;
                packet[8] = 0;
                packet[10] = 0;
            }

            Exercise(packet);
        }
    }

    [Fact]
    public void Mutated_real_packets_never_throw_anything_but_a_format_error()
    {
        var random = new Random(4711);
        for (int i = 0; i < 30_000; i++)
        {
            byte[] packet = [.. Seeds[i % Seeds.Length]];
            switch (random.Next(3))
            {
                case 0:
                    for (int flips = random.Next(1, 5); flips > 0; flips--)
                    {
                        packet[random.Next(packet.Length)] = (byte)random.Next(256);
                    }

                    break;
                case 1:
                    packet = packet[..random.Next(packet.Length)];
                    break;
                default:
                    // A pointer to a random offset, anywhere: loops, forward references and pointers past the end.
                    int at = random.Next(12, packet.Length - 1);
                    int target = random.Next(packet.Length + 4);
                    packet[at] = (byte)(0xC0 | (target >> 8));
                    packet[at + 1] = (byte)target;
                    break;
            }

            Exercise(packet);
        }
    }

    private static void Exercise(byte[] packet)
    {
        DnsMessage message;
        try
        {
            message = DnsMessage.Parse(packet);
        }
        catch (DnsFormatException)
        {
            return;
        }

        // Whatever parsed must flow through everything the receive loops do with it, and back onto the wire.
        Responder.Answer(message, legacyUnicast: false)?.Encode();
        Responder.Answer(message, legacyUnicast: true)?.Encode();
        var cache = new MdnsPeerCache();
        cache.Add(message);
        cache.Add(new DnsMessage { Flags = DnsMessage.ResponseFlag, Answers = message.Answers, Additionals = message.Additionals });
        _ = cache.Peers();
        _ = cache.MissingQuestions();
        message.Encode();
    }
}
