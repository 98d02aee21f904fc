namespace OpenDesk.Tests.Linux.Accessibility;

/// <summary>A fact that needs the accessible desktop of <see cref="AtSpiDesktopFixture"/>: skipped, with the reason, where a program is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AtSpiFactAttribute : FactAttribute
{
    public AtSpiFactAttribute()
    {
        if (AtSpiDesktopFixture.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
