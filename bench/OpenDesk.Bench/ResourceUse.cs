namespace OpenDesk.Bench;

/// <summary>A process's resident memory (VmRSS) and open file descriptors at one moment.</summary>
internal sealed record ResourceUse(double RssMb, int FileDescriptors);
