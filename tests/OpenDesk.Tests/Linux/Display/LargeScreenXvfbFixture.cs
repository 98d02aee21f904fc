namespace OpenDesk.Tests.Linux.Display;

/// <summary>An X server wider than the 1920 px downscale cap.</summary>
public sealed class LargeScreenXvfbFixture : XvfbFixture
{
    public LargeScreenXvfbFixture()
        : base(2560, 1440)
    {
    }
}
