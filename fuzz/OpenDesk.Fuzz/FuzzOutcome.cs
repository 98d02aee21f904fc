namespace OpenDesk.Fuzz;

/// <summary>What a target made of one input. A crash is not an outcome: it is an exception that escapes.</summary>
internal enum FuzzOutcome
{
    Accepted,
    Rejected,
}
