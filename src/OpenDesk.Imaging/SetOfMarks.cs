using OpenDesk.Computer;
using SkiaSharp;

namespace OpenDesk.Imaging;

/// <summary>What <see cref="SetOfMarks.CaptureAsync"/> captures and how it returns it.</summary>
public sealed record SetOfMarksOptions
{
    /// <summary>The window whose elements to mark; null with no <see cref="App"/> means the focused window.</summary>
    public string? WindowId { get; init; }

    /// <summary>The application whose elements to mark.</summary>
    public string? App { get; init; }

    /// <summary>The display to capture; null means the primary one.</summary>
    public string? DisplayId { get; init; }

    /// <summary>How deep to read the accessibility tree.</summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>The encoding of the marked image: <c>png</c>, <c>jpeg</c> or <c>webp</c>.</summary>
    public string Format { get; init; } = PixmapFormat.Png;

    /// <summary>Quality of jpeg and webp, 0–100.</summary>
    public int Quality { get; init; } = 80;
}

/// <summary>
/// Set-of-Marks: a screenshot with a numbered box on every interactive element of the accessibility tree, and the
/// legend (number → role, name, bounds, centre), so an agent can say "click 7" instead of guessing coordinates.
/// It is composed on the controller's side from <c>ui.tree</c> and <c>display.capture</c>, so it works with any
/// server that offers both.
/// </summary>
public static class SetOfMarks
{
    // Roles an agent types into or sets, even when the backend lists no action for them.
    private static readonly HashSet<string> EditableRoles = new(StringComparer.Ordinal)
    {
        "text", "entry", "password_text", "spin_button", "slider", "combo_box", "editbar", "terminal",
    };

    // Containers whose "actions" are rarely what an agent wants to press.
    private static readonly HashSet<string> ContainerRoles = new(StringComparer.Ordinal)
    {
        "window", "application", "panel", "filler", "scroll_pane", "viewport", "layered_pane", "root_pane", "desktop_frame",
    };

    private static readonly SKColor[] Palette =
    [
        new(230, 25, 75), new(60, 140, 60), new(0, 90, 200), new(200, 110, 0), new(145, 30, 180), new(0, 130, 130), new(170, 110, 40), new(120, 120, 0),
    ];

    /// <summary>Captures the screen and the tree together and draws the marks.</summary>
    /// <exception cref="CapabilityUnsupportedException">The server has no accessibility tree (or no screenshots).</exception>
    public static async Task<MarkedScreenshot> CaptureAsync(IComputer computer, SetOfMarksOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(computer);
        options ??= new SetOfMarksOptions();
        var tree = computer.UITreeAsync(options.WindowId, options.App, options.MaxDepth, cancellationToken);
        var shot = computer.CaptureAsync(options.DisplayId, format: PixmapFormat.Png, cancellationToken: cancellationToken);
        var displays = computer.DisplaysAsync(cancellationToken);
        await Task.WhenAll(tree, shot, displays).ConfigureAwait(false);

        var pixmap = await shot.ConfigureAwait(false);
        var display = (await displays.ConfigureAwait(false)).FirstOrDefault(d => options.DisplayId is null ? d.Primary : d.Id == options.DisplayId);
        var screen = display?.Bounds ?? new Rect(0, 0, pixmap.LogicalWidth, pixmap.LogicalHeight);
        var marks = Select(await tree.ConfigureAwait(false), screen);
        var image = Draw(pixmap, screen, marks, options.Format, options.Quality);
        return new MarkedScreenshot(image, options.Format, pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight, marks);
    }

    /// <summary>
    /// The elements worth a mark, numbered in reading order: enabled, visible on <paramref name="screen"/>, and
    /// pressable or editable. An element inside another marked one with the same box (a label in its button) is
    /// left to its parent.
    /// </summary>
    public static IReadOnlyList<Mark> Select(UIElement root, Rect screen)
    {
        ArgumentNullException.ThrowIfNull(root);
        var found = new List<(UIElement Element, Rect Bounds)>();
        Walk(root, screen, null, found);
        return
        [
            .. InReadingOrder(found)
                .Select((f, i) => new Mark(i + 1, f.Element, f.Bounds, new Point(f.Bounds.X + (f.Bounds.Width / 2), f.Bounds.Y + (f.Bounds.Height / 2)))),
        ];
    }

    /// <summary>
    /// Top to bottom in rows, left to right within a row. An element joins the row when its top is above the middle
    /// of the row's first element, so widgets a few pixels out of line still read as one row.
    /// </summary>
    private static IEnumerable<(UIElement Element, Rect Bounds)> InReadingOrder(List<(UIElement Element, Rect Bounds)> found)
    {
        var byTop = found.OrderBy(f => f.Bounds.Y).ThenBy(f => f.Bounds.X).ToList();
        var row = new List<(UIElement Element, Rect Bounds)>();
        var rowMiddle = double.NegativeInfinity;
        foreach (var item in byTop)
        {
            if (item.Bounds.Y >= rowMiddle && row.Count > 0)
            {
                foreach (var inRow in row.OrderBy(r => r.Bounds.X))
                {
                    yield return inRow;
                }

                row.Clear();
            }

            if (row.Count == 0)
            {
                rowMiddle = item.Bounds.Y + (item.Bounds.Height / 2);
            }

            row.Add(item);
        }

        foreach (var inRow in row.OrderBy(r => r.Bounds.X))
        {
            yield return inRow;
        }
    }

    private static void Walk(UIElement element, Rect screen, Rect? markedParent, List<(UIElement, Rect)> found)
    {
        var marked = markedParent;
        if (IsInteractive(element) && element.Bounds is { } bounds && Visible(bounds, screen) is { } visible
            && !(markedParent is { } parent && Same(parent, visible)))
        {
            found.Add((element, visible));
            marked = visible;
        }

        foreach (var child in element.Children)
        {
            Walk(child, screen, marked, found);
        }
    }

    private static bool IsInteractive(UIElement element) =>
        element.Enabled && !ContainerRoles.Contains(element.Role) && (element.Actions.Count > 0 || EditableRoles.Contains(element.Role));

    /// <summary>The part of <paramref name="bounds"/> on the screen, or null when too little of it shows to be clicked.</summary>
    private static Rect? Visible(Rect bounds, Rect screen)
    {
        var left = Math.Max(bounds.X, screen.X);
        var top = Math.Max(bounds.Y, screen.Y);
        var right = Math.Min(bounds.X + bounds.Width, screen.X + screen.Width);
        var bottom = Math.Min(bounds.Y + bounds.Height, screen.Y + screen.Height);
        return right - left >= 3 && bottom - top >= 3 ? new Rect(left, top, right - left, bottom - top) : null;
    }

    private static bool Same(Rect a, Rect b) =>
        Math.Abs(a.X - b.X) < 2 && Math.Abs(a.Y - b.Y) < 2 && Math.Abs(a.Width - b.Width) < 4 && Math.Abs(a.Height - b.Height) < 4;

    private static byte[] Draw(Pixmap pixmap, Rect screen, IReadOnlyList<Mark> marks, string format, int quality)
    {
        using var bitmap = SKBitmap.Decode(pixmap.Data)
            ?? throw new OpenDeskException($"the server's screenshot ({pixmap.Format}, {pixmap.Data.Length} bytes) could not be decoded");
        var scaleX = pixmap.LogicalWidth > 0 ? (double)pixmap.Width / pixmap.LogicalWidth : 1;
        var scaleY = pixmap.LogicalHeight > 0 ? (double)pixmap.Height / pixmap.LogicalHeight : 1;
        using (var canvas = new SKCanvas(bitmap))
        {
            var digitScale = Math.Max(2, (int)Math.Round(2 * scaleY));
            foreach (var mark in marks)
            {
                var color = Palette[(mark.Number - 1) % Palette.Length];
                var box = new SKRect(
                    (float)((mark.Bounds.X - screen.X) * scaleX),
                    (float)((mark.Bounds.Y - screen.Y) * scaleY),
                    (float)((mark.Bounds.X - screen.X + mark.Bounds.Width) * scaleX),
                    (float)((mark.Bounds.Y - screen.Y + mark.Bounds.Height) * scaleY));
                using var outline = new SKPaint { Color = color, IsStroke = true, StrokeWidth = Math.Max(2, digitScale / 1.5f), IsAntialias = false };
                canvas.DrawRect(box, outline);
                DigitFont.DrawLabel(canvas, mark.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), box.Left, box.Top, digitScale, color);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = format switch
        {
            PixmapFormat.Png => image.Encode(SKEncodedImageFormat.Png, 100),
            PixmapFormat.Jpeg => image.Encode(SKEncodedImageFormat.Jpeg, quality),
            PixmapFormat.Webp => image.Encode(SKEncodedImageFormat.Webp, quality),
            _ => throw new ArgumentException($"a marked screenshot is png, jpeg or webp, not {format}", nameof(format)),
        };
        return data.ToArray();
    }
}
