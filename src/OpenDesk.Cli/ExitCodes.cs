namespace OpenDesk.Cli;

/// <summary>What the command's exit status means, so scripts can tell a busy desk from a broken one.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Any expected failure: the ERROR line says what and what to do.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong (and <c>serve</c> with no trusted peers, as the spec has it).</summary>
    public const int Usage = 2;

    /// <summary>Another controller holds the desk (<c>busy</c>): try again later.</summary>
    public const int Busy = 3;

    /// <summary>The desk evicted this controller (<c>opendesk disconnect</c>, an unpair, or this controller connecting elsewhere).</summary>
    public const int Evicted = 4;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
