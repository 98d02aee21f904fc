namespace OpenDesk.Tests.Linux.Display;

/// <summary>A fact that needs a real X server: skipped, with the reason, where <c>Xvfb</c> is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class XvfbFactAttribute : FactAttribute
{
    public XvfbFactAttribute()
    {
        if (XvfbFixture.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
