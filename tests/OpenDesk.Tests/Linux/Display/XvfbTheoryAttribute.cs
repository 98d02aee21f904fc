namespace OpenDesk.Tests.Linux.Display;

/// <summary>A theory that needs a real X server: skipped, with the reason, where <c>Xvfb</c> is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class XvfbTheoryAttribute : TheoryAttribute
{
    public XvfbTheoryAttribute()
    {
        if (XvfbFixture.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
