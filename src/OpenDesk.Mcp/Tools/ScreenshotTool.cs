using System.Globalization;
using System.Text;
using OpenDesk.Computer;
using OpenDesk.Imaging;
using OpenDesk.Mcp.Desks;
using OpenDesk.Mcp.Imaging;

namespace OpenDesk.Mcp.Tools;

/// <summary>
/// <c>screenshot</c>: the screen (or a part of it) scaled to fit an agent, with the numbers to map what it shows
/// back to the desk; optionally with numbered marks on the interactive elements of the accessibility tree.
/// </summary>
internal static class ScreenshotTool
{
    /// <summary>Longest side of a screenshot unless the call asks otherwise.</summary>
    public const int DefaultMaxSide = 1280;

    /// <summary>The most encoded bytes an image may have: its base64 text is then at most 1,000,000 characters.</summary>
    public const int MaxImageBytes = 750_000;

    private static readonly string[] Formats = [PixmapFormat.Png, PixmapFormat.Jpeg, PixmapFormat.Webp];

    private static readonly ToolParameter Format = ToolParameter.FromMethod(Methods.DisplayCapture, "format", description: "The image encoding.") with
    {
        Choices = Formats,
        Default = PixmapFormat.Png,
    };

    private static readonly ToolParameter Quality = ToolParameter.FromMethod(Methods.DisplayCapture, "quality", description: "0–100 for jpeg and webp.") with
    {
        Default = 80L,
        Minimum = 0,
        Maximum = 100,
    };

    private static readonly ToolParameter Region = ToolParameter.FromMethod(Methods.DisplayCapture, "region",
        description: "Only this part of the screen, at the usual scale; in the last screenshot's pixels unless logical is true.");

    private static readonly ToolParameter Zoom = new("zoom", ToolValueKind.Rect,
        "A part of the screen shown larger (up to max_size, at most 4× its logical size), to read small text; in the last screenshot's pixels unless logical is true.");

    private static readonly ToolParameter Cursor = ToolParameter.FromMethod(Methods.DisplayCapture, "cursor");

    private static readonly ToolParameter DisplayId = ToolParameter.FromMethod(Methods.DisplayCapture, "display_id");

    private static readonly ToolParameter MaxSize = new("max_size", ToolValueKind.Integer,
        "The longest side of the image in pixels; the image is never larger than the screen's pixels (except with zoom), and never over 750 KB.")
    {
        Default = (long)DefaultMaxSide,
        Minimum = 64,
        Maximum = 4096,
    };

    private static readonly ToolParameter Marks = new("marks", ToolValueKind.Boolean,
        "Draw a numbered box on every interactive element of the focused window's accessibility tree and list them (number, role, name, centre); " +
        "mouse takes mark: N to click one. Needs ui.tree on the desk.")
    {
        Default = false,
    };

    public static ToolDefinition Definition { get; } = new()
    {
        Name = "screenshot",
        Title = "Screenshot",
        Description =
            "Take a screenshot of the desk. By default the whole primary screen, scaled so its longest side is at most 1280 px and the image under 750 KB. " +
            "The text says the image size, the screen's logical size and the scale; mouse and other tools read coordinates in this image's space by default " +
            "and map them back, so coordinates can be taken straight from the image.",
        Methods = [Methods.DisplayCapture, Methods.DisplayDisplays, Methods.UITree],
        Parameters = [Format, Quality, MaxSize, Region, Zoom, Common.Logical, Cursor, Marks, DisplayId, Common.Peer],
        OnDesk = true,
        RunAsync = call => CaptureAsync(call, FromArguments(call)),
    };

    /// <summary>What to capture and how to return it.</summary>
    public sealed record Request
    {
        public string Format { get; init; } = PixmapFormat.Png;

        public int Quality { get; init; } = 80;

        public int MaxSize { get; init; } = DefaultMaxSide;

        /// <summary>The part of the desktop to show, in logical pixels; null for the whole display.</summary>
        public Rect? Area { get; init; }

        public bool Zoom { get; init; }

        public bool Cursor { get; init; }

        public bool Marks { get; init; }

        public string? DisplayId { get; init; }
    }

    public static async Task<ToolOutput> CaptureAsync(ToolCall call, Request request)
    {
        var desk = call.Desk;
        var ct = call.CancellationToken;
        var display = await DisplayAsync(call, request.DisplayId).ConfigureAwait(false);
        var area = request.Area is { } wanted ? Clip(wanted, display.Bounds, call) : display.Bounds;

        Pixmap capture;
        Rect? crop = null;
        IReadOnlyList<Mark> marks = [];
        if (request.Marks)
        {
            var marked = await SetOfMarks.CaptureAsync(call.On(Methods.UITree), new SetOfMarksOptions { DisplayId = request.DisplayId, Format = PixmapFormat.Png }, ct)
                .ConfigureAwait(false);
            capture = new Pixmap(marked.Image, marked.Width, marked.Height, marked.LogicalWidth, marked.LogicalHeight);
            crop = PixelRect(area, display.Bounds, Density(capture));
            marks = marked.Marks;
        }
        else
        {
            var region = request.Area is null ? null : new Rect(area.X - display.Bounds.X, area.Y - display.Bounds.Y, area.Width, area.Height);
            capture = await call.On(Methods.DisplayCapture).CaptureAsync(
                request.DisplayId, region, downscale: false, SourceFormat(desk, request), SourceQuality(request), request.Cursor, ct).ConfigureAwait(false);
            if (region is null)
            {
                display = Remeasure(desk, display, capture);
                area = display.Bounds;
            }
        }

        var longest = Math.Max(area.Width, area.Height);
        var scale = Math.Min(request.Zoom ? 4 * Math.Max(Density(capture), 1) : Density(capture), request.MaxSize / longest);
        var width = Math.Max(1, (int)Math.Round(area.Width * scale));
        var height = Math.Max(1, (int)Math.Round(area.Height * scale));
        var image = ScreenshotScaling.Render(capture, crop, width, height, request.Format, request.Quality, MaxImageBytes);

        var frame = new ScreenFrame(area, image.Width, image.Height);
        desk.Remember(frame, marks);
        return new ToolOutput().AddText(Describe(call, request, display, frame, image, marks)).AddImage(image.Data, MimeType(image.Format));
    }

    private static Request FromArguments(ToolCall call)
    {
        var args = call.Args;
        if (args.Has(Region.Name) && args.Has(Zoom.Name))
        {
            throw args.Invalid("give region or zoom, not both");
        }

        var rect = args.Rect(Region.Name) ?? args.Rect(Zoom.Name);
        return new Request
        {
            Format = args.String(Format.Name) ?? PixmapFormat.Png,
            Quality = args.Int(Quality.Name) ?? 80,
            MaxSize = args.Int(MaxSize.Name) ?? DefaultMaxSide,
            Area = rect is null ? null : ToLogical(call, rect),
            Zoom = args.Has(Zoom.Name),
            Cursor = args.Bool(Cursor.Name),
            Marks = args.Bool(Marks.Name),
            DisplayId = args.String(DisplayId.Name),
        };
    }

    /// <summary>A rectangle given in the last screenshot's pixels (or logical ones), as logical pixels of the desktop.</summary>
    private static Rect ToLogical(ToolCall call, Rect rect)
    {
        if (call.Args.Bool(Common.Logical.Name) || call.Desk.Frame is not { } frame)
        {
            return rect;
        }

        var topLeft = frame.ToLogical(rect.X, rect.Y);
        return new Rect(topLeft.X, topLeft.Y, rect.Width / frame.ScaleX, rect.Height / frame.ScaleY);
    }

    private static Rect Clip(Rect wanted, Rect screen, ToolCall call)
    {
        var left = Math.Max(wanted.X, screen.X);
        var top = Math.Max(wanted.Y, screen.Y);
        var right = Math.Min(wanted.X + wanted.Width, screen.X + screen.Width);
        var bottom = Math.Min(wanted.Y + wanted.Height, screen.Y + screen.Height);
        if (right - left < 1 || bottom - top < 1)
        {
            throw new ToolFailure($"The rectangle {Common.Rect(wanted)} (logical) is not on the screen of {call.Where}, which is {Common.Rect(screen)}.");
        }

        return new Rect(Math.Floor(left), Math.Floor(top), Math.Ceiling(right) - Math.Floor(left), Math.Ceiling(bottom) - Math.Floor(top));
    }

    /// <summary>How many image pixels a logical pixel of the capture is.</summary>
    private static double Density(Pixmap capture) => capture.LogicalWidth > 0 ? (double)capture.Width / capture.LogicalWidth : 1;

    /// <summary>A logical area of the screen as image pixels of a capture of the whole screen.</summary>
    private static Rect PixelRect(Rect area, Rect screen, double density) =>
        new((area.X - screen.X) * density, (area.Y - screen.Y) * density, area.Width * density, area.Height * density);

    private static string MimeType(string format) => format switch
    {
        PixmapFormat.Jpeg => "image/jpeg",
        PixmapFormat.Webp => "image/webp",
        _ => "image/png",
    };

    /// <summary>
    /// In process, raw pixels cost nothing to make or read. Over the network a lossless PNG keeps text crisp; a
    /// lossy result may start from a high-quality JPEG, a fraction of the bytes. Servers that do not know the
    /// format param send a PNG, which decodes the same way.
    /// </summary>
    private static string SourceFormat(Desk desk, Request request) =>
        desk.IsLocal ? PixmapFormat.RawRgba : request.Format == PixmapFormat.Png ? PixmapFormat.Png : PixmapFormat.Jpeg;

    private static int? SourceQuality(Request request) => request.Format == PixmapFormat.Png ? null : 92;

    /// <summary>
    /// The display captured: its bounds place the image on the desktop. Listed on every screenshot: after a resolution
    /// change (xrandr, a monitor plugged in) old bounds would stretch the image and send every click mapped through it
    /// elsewhere. A server without display.displays is measured by a capture instead, kept until a capture disagrees
    /// (<see cref="Remeasure"/>).
    /// </summary>
    private static async Task<Display> DisplayAsync(ToolCall call, string? displayId)
    {
        var desk = call.Desk;
        IReadOnlyList<Display>? displays = null;
        if (!desk.LacksDisplayList)
        {
            try
            {
                displays = await call.On(Methods.DisplayDisplays).DisplaysAsync(call.CancellationToken).ConfigureAwait(false);
            }
            catch (CapabilityUnsupportedException)
            {
                desk.LacksDisplayList = true;
            }
        }

        if (desk.LacksDisplayList)
        {
            displays = desk.MeasuredDisplays;
            if (displays is null || !displays.Any(d => displayId is null || d.Id == displayId))
            {
                var probe = await call.On(Methods.DisplayCapture).CaptureAsync(displayId, cancellationToken: call.CancellationToken).ConfigureAwait(false);
                displays = desk.MeasuredDisplays = [new Display(displayId ?? "0", new Rect(0, 0, probe.LogicalWidth, probe.LogicalHeight)) { Primary = true }];
            }
        }

        var found = displayId is null
            ? displays!.FirstOrDefault(d => d.Primary) ?? displays!.FirstOrDefault()
            : displays!.FirstOrDefault(d => d.Id == displayId);
        return found ?? throw new ToolFailure(displayId is null
            ? $"{call.Where} has no display."
            : $"{call.Where} has no display '{displayId}'; its displays are {string.Join(", ", displays!.Select(d => $"'{d.Id}'"))}.");
    }

    /// <summary>
    /// The measured display of a server without display.displays, corrected by a capture of all of it when the screen's
    /// size changed since it was measured.
    /// </summary>
    private static Display Remeasure(Desk desk, Display display, Pixmap wholeDisplay)
    {
        if (!desk.LacksDisplayList || (wholeDisplay.LogicalWidth == display.Bounds.Width && wholeDisplay.LogicalHeight == display.Bounds.Height))
        {
            return display;
        }

        var measured = display with { Bounds = new Rect(display.Bounds.X, display.Bounds.Y, wholeDisplay.LogicalWidth, wholeDisplay.LogicalHeight) };
        desk.MeasuredDisplays = [measured];
        return measured;
    }

    private static string Describe(ToolCall call, Request request, Display display, ScreenFrame frame, Pixmap image, IReadOnlyList<Mark> marks)
    {
        var text = new StringBuilder();
        var scale = frame.ScaleX.ToString("0.######", CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"Screenshot of {call.Where}: image {image.Width}x{image.Height} ({image.Format}, {Common.Size(image.Data.Length)}); ");
        text.Append(CultureInfo.InvariantCulture, $"screen {Common.Number(display.Bounds.Width)}x{Common.Number(display.Bounds.Height)} logical");
        if (display.Bounds.X != 0 || display.Bounds.Y != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" at ({Common.Number(display.Bounds.X)}, {Common.Number(display.Bounds.Y)})");
        }

        text.Append(CultureInfo.InvariantCulture, $"; scale {scale} image px per logical px");
        if (request.Area is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; shows logical x {Common.Number(frame.Area.X)}–{Common.Number(frame.Area.X + frame.Area.Width)}, y {Common.Number(frame.Area.Y)}–{Common.Number(frame.Area.Y + frame.Area.Height)}");
        }

        text.Append(".\n");
        if (image.Format != request.Format)
        {
            text.Append(CultureInfo.InvariantCulture, $"Sent as {image.Format} instead of {request.Format}: the {request.Format} was over the 750 KB limit of a tool result.\n");
        }

        text.Append(frame.Area.X == 0 && frame.Area.Y == 0
            ? $"Coordinates given to mouse and ui are read in this image's pixels and mapped back (logical = image / {scale}) unless logical is true."
            : $"Coordinates given to mouse and ui are read in this image's pixels and mapped back (logical = ({Common.Number(frame.Area.X)}, {Common.Number(frame.Area.Y)}) + image / {scale}) unless logical is true.");
        if (request.Marks)
        {
            text.Append('\n');
            AppendLegend(text, frame, marks);
        }

        return text.ToString();
    }

    private static void AppendLegend(StringBuilder text, ScreenFrame frame, IReadOnlyList<Mark> marks)
    {
        var shown = marks.Where(m => frame.Contains(frame.ToImage(m.Center).X, frame.ToImage(m.Center).Y)).ToList();
        if (shown.Count == 0)
        {
            text.Append("No interactive elements to mark in this view.");
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"{shown.Count} marks (mouse with mark: N clicks one; ui with mark: N acts on one). number: role \"name\" at (centre in this image):");
        foreach (var mark in shown)
        {
            var centre = frame.ToImage(mark.Center);
            text.Append(CultureInfo.InvariantCulture, $"\n{mark.Number}: {mark.Role} {Common.Quoted(mark.Name, 80)} at ({Math.Round(centre.X)}, {Math.Round(centre.Y)})");
            if (mark.Element.Value is { Length: > 0 } value)
            {
                text.Append(CultureInfo.InvariantCulture, $" value {Common.Quoted(value, 40)}");
            }
        }
    }
}
