namespace OpenDesk.Fuzz;

/// <summary>
/// One decoder under fuzz. <see cref="Run"/> returns only for input the decoder accepted or rejected through
/// its documented error; every other exception escapes and afl-fuzz records the input as a crash.
/// </summary>
internal interface IFuzzTarget
{
    string Name { get; }

    FuzzOutcome Run(ReadOnlySpan<byte> input);

    /// <summary>Valid and invalid inputs taken from the protocol's published vectors.</summary>
    IEnumerable<byte[]> Seeds(VectorFiles vectors);
}
