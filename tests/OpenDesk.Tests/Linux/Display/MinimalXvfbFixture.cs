namespace OpenDesk.Tests.Linux.Display;

/// <summary>
/// An X server without RandR, MIT-SHM and DAMAGE, at 16-bit colour: every fallback path of the capture code at once
/// (one root-sized display, XGetImage, a 5-6-5 pixel layout, a stream without change events).
/// </summary>
public sealed class MinimalXvfbFixture : XvfbFixture
{
    public MinimalXvfbFixture()
        : base(800, 600, withWindowManager: false, depth: 16, "-extension", "RANDR", "-extension", "MIT-SHM", "-extension", "DAMAGE")
    {
    }
}
