namespace OpenDesk.Tests.Admin;

/// <summary>A theory about the Unix-socket admin endpoint; Windows serves admin over a named pipe instead (spec §20.1).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "the admin Unix socket is not used on Windows";
        }
    }
}
