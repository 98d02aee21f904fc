namespace OpenDesk.Tests.Transport;

/// <summary>Tests that measure process-wide allocations, so nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SequentialTransportCollection
{
    public const string Name = "Transport, not parallel";
}
