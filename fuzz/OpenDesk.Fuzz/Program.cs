using OpenDesk.Fuzz;
using SharpFuzz;

// Usage:
//   OpenDesk.Fuzz run TARGET                          under afl-fuzz (reads stdin once when run alone)
//   OpenDesk.Fuzz seed TARGET VECTORS_DIR OUT_DIR     writes OUT_DIR/seeds/* and OUT_DIR/TARGET.dict
//   OpenDesk.Fuzz replay TARGET FILE...               prints what the target makes of each file
// TARGET is frames, handshake or admin.
IFuzzTarget[] targets = [new FrameTarget(), new HandshakeTarget(), new AdminTarget()];

if (args.Length < 2 || targets.FirstOrDefault(t => t.Name == args[1]) is not { } target)
{
    Console.Error.WriteLine($"usage: OpenDesk.Fuzz run|seed|replay {string.Join('|', targets.Select(t => t.Name))} [...]");
    return 2;
}

switch (args[0])
{
    case "run":
        var buffer = new MemoryStream();
        Fuzzer.Run(stream =>
        {
            buffer.SetLength(0);
            stream.CopyTo(buffer);
            target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    case "seed" when args.Length == 4:
        var written = SeedCorpus.Write(target, new VectorFiles(args[2]), args[3]);
        Console.WriteLine($"{target.Name}: {written.Seeds} seed inputs, {written.Tokens} dictionary tokens");
        return 0;
    case "replay" when args.Length > 2:
        var crashes = 0;
        foreach (var file in args.Skip(2))
        {
            try
            {
                Console.WriteLine($"{file}: {target.Run(File.ReadAllBytes(file)).ToString().ToLowerInvariant()}");
            }
#pragma warning disable CA1031 // Replay reports every crash, whatever its type, and goes on to the next file.
            catch (Exception e)
#pragma warning restore CA1031
            {
                crashes++;
                Console.WriteLine($"{file}: CRASH {e}");
            }
        }

        return crashes == 0 ? 0 : 1;
    default:
        Console.Error.WriteLine("usage: OpenDesk.Fuzz run|seed|replay TARGET [...]");
        return 2;
}
