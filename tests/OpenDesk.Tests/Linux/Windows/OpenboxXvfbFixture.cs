namespace OpenDesk.Tests.Linux.Windows;

/// <summary>An X server with openbox managing windows (frames, focus, EWMH), as on a real desktop.</summary>
public sealed class OpenboxXvfbFixture : XvfbFixture
{
    public OpenboxXvfbFixture()
        : base(1280, 800, withWindowManager: true)
    {
    }
}
