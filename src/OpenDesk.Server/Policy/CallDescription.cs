namespace OpenDesk.Server.Policy;

/// <summary>What a call does (spec §21's summary, extended for the opendesk home), and whether it reaches into the home, which makes it no mere observation.</summary>
internal readonly record struct CallDescription(string Summary, bool TouchesHome);
