using OpenDesk.Computer;
using OpenDesk.Imaging;
using SkiaSharp;

namespace OpenDesk.Tests.Imaging;

/// <summary>Which elements get a mark, in what order, and that the marks are really drawn where the legend says.</summary>
public sealed class SetOfMarksTests
{
    private static readonly Rect Screen = new(0, 0, 400, 200);

    [Fact]
    public void Pressable_and_editable_elements_are_marked_in_reading_order_and_the_rest_are_not()
    {
        var tree = new UIElement("window")
        {
            Bounds = Screen,
            Actions = ["activate"],
            Children =
            [
                new UIElement("button") { Name = "Save", Bounds = new Rect(300, 10, 80, 30), Actions = ["click"], Children = [new UIElement("label") { Name = "Save", Bounds = new Rect(300, 10, 80, 30), Actions = ["click"] }] },
                new UIElement("button") { Name = "Open", Bounds = new Rect(10, 12, 80, 30), Actions = ["click"] },
                new UIElement("text") { Name = "Search", Bounds = new Rect(10, 100, 200, 24) },
                new UIElement("button") { Name = "Disabled", Bounds = new Rect(10, 150, 80, 30), Actions = ["click"], Enabled = false },
                new UIElement("button") { Name = "Off screen", Bounds = new Rect(500, 10, 80, 30), Actions = ["click"] },
                new UIElement("label") { Name = "Static", Bounds = new Rect(100, 150, 80, 30) },
            ],
        };

        var marks = SetOfMarks.Select(tree, Screen);

        Assert.Equal(["Open", "Save", "Search"], marks.Select(m => m.Name));
        Assert.Equal([1, 2, 3], marks.Select(m => m.Number));
        Assert.Equal(new Point(50, 27), marks[0].Center);
        Assert.Equal("button", marks[1].Role);
    }

    [Fact]
    public async Task The_marks_are_drawn_at_the_legends_bounds_in_the_image_and_the_legend_is_in_logical_pixels()
    {
        var desk = new MarkableComputer(
            new UIElement("window")
            {
                Bounds = Screen,
                Children = [new UIElement("button") { Name = "Go", Bounds = new Rect(100, 50, 100, 40), Actions = ["click"] }],
            });

        var shot = await SetOfMarks.CaptureAsync(desk);

        var mark = Assert.Single(shot.Marks);
        Assert.Equal(new Point(150, 70), mark.Center);
        Assert.Equal((800, 400, 400, 200), (shot.Width, shot.Height, shot.LogicalWidth, shot.LogicalHeight));
        using var image = SKBitmap.Decode(shot.Image);
        var background = image.GetPixel(10, 10);
        Assert.NotEqual(background, image.GetPixel(200, 150)); // the box's left edge, at 2× of x = 100
        Assert.NotEqual(background, image.GetPixel(399, 179)); // its bottom-right corner
        Assert.NotEqual(background, image.GetPixel(203, 103)); // the number's label in the top-left corner
        Assert.Equal(background, image.GetPixel(300, 140)); // the element itself shows through
        Assert.Equal(background, image.GetPixel(190, 150)); // nothing outside the box
    }

    /// <summary>A 2× screen of a plain colour with one window tree.</summary>
    private sealed class MarkableComputer(UIElement tree) : UnsupportedComputer
    {
        public override string Backend => "markable";

        protected override IEnumerable<string> SupportedCapabilities => [OpenDesk.Protocol.Capabilities.DisplayCapture, OpenDesk.Protocol.Capabilities.UiTree];

        public override Task<UIElement> UITreeAsync(string? windowId = null, string? app = null, int maxDepth = 8, CancellationToken cancellationToken = default) =>
            Task.FromResult(tree);

        public override Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Display>>([new Display("0", Screen) { Primary = true, ScaleFactor = 2 }]);

        public override Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default)
        {
            using var bitmap = new SKBitmap(800, 400);
            bitmap.Erase(new SKColor(200, 200, 200));
            using var image = SKImage.FromBitmap(bitmap);
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            return Task.FromResult(new Pixmap(png.ToArray(), 800, 400, 400, 200));
        }
    }
}
