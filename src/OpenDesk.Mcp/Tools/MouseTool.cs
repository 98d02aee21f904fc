using OpenDesk.Computer;
using OpenDesk.Mcp.Desks;

namespace OpenDesk.Mcp.Tools;

/// <summary><c>mouse</c>: pointer input at coordinates of the last screenshot (or logical ones, or a mark's centre).</summary>
internal static class MouseTool
{
    private static readonly string[] Actions =
        ["click", "double_click", "triple_click", "right_click", "middle_click", "move", "down", "up", "drag", "scroll", "position"];

    private static readonly ToolParameter Action = new("action", ToolValueKind.String,
        "click, double_click, triple_click, right_click, middle_click: move there and click; move; down/up: press or release a button there; " +
        "drag: from (x, y) to (to_x, to_y) with the left button; scroll: dx/dy wheel clicks at (x, y); position: where the pointer is.")
    {
        Required = true,
        Choices = Actions,
    };

    private static readonly ToolParameter X = new("x", ToolValueKind.Number, "Horizontal coordinate, in the last screenshot's pixels unless logical is true.");
    private static readonly ToolParameter Y = new("y", ToolValueKind.Number, "Vertical coordinate, in the last screenshot's pixels unless logical is true.");
    private static readonly ToolParameter ToX = new("to_x", ToolValueKind.Number, "For drag: where to release, horizontally.");
    private static readonly ToolParameter ToY = new("to_y", ToolValueKind.Number, "For drag: where to release, vertically.");

    private static readonly ToolParameter MarkNumber = new("mark", ToolValueKind.Integer,
        "Instead of x and y: the centre of mark N of the last screenshot taken with marks: true.")
    {
        Minimum = 1,
    };

    private static readonly ToolParameter Button = new("button", ToolValueKind.String, "For click, down and up: the button.")
    {
        Choices = [PointerButton.Left, PointerButton.Right, PointerButton.Middle, PointerButton.X1, PointerButton.X2],
        Default = PointerButton.Left,
    };

    private static readonly ToolParameter Modifiers = new("modifiers", ToolValueKind.StringList, "Keys held during the action, e.g. [\"ctrl\"] for ctrl+click.")
    {
        Choices = [Modifier.Shift, Modifier.Ctrl, Modifier.Alt, Modifier.Meta, Modifier.Fn, Modifier.CapsLock],
    };

    private static readonly ToolParameter Dx = new("dx", ToolValueKind.Number, "For scroll: wheel clicks to the right (negative: left).") { Default = 0.0 };
    private static readonly ToolParameter Dy = new("dy", ToolValueKind.Number, "For scroll: wheel clicks down (negative: up).") { Default = 0.0 };

    public static ToolDefinition Definition { get; } = new()
    {
        Name = "mouse",
        Title = "Mouse",
        Description =
            "Move, click, drag or scroll the pointer of the desk. Coordinates are read in the pixels of the last screenshot of that desk and mapped back " +
            "through its scale and offset (logical: true takes logical screen pixels); mark: N targets a mark of the last marked screenshot. " +
            "The result says where the action landed in logical pixels.",
        Methods = [Methods.InputPointer, Methods.DisplayCursorPosition],
        Parameters = [Action, X, Y, MarkNumber, ToX, ToY, Button, Modifiers, Dx, Dy, Common.Logical, .. Common.ActionTail],
        OnDesk = true,
        RunAsync = RunAsync,
    };

    private static async Task<ToolOutput> RunAsync(ToolCall call)
    {
        var args = call.Args;
        var action = args.String(Action.Name)!;
        var ct = call.CancellationToken;
        var modifiers = args.Strings(Modifiers.Name) ?? [];
        if (action == "position")
        {
            var logical = await call.On(Methods.DisplayCursorPosition).CursorPositionAsync(ct).ConfigureAwait(false);
            var inImage = call.Desk.Frame is { } frame ? $", {Common.Point(frame.ToImage(logical))} in the last screenshot" : "";
            return ToolOutput.Text($"The pointer of {call.Where} is at logical {Common.Point(logical)}{inImage}.");
        }

        var (point, note) = Target(call, action);
        var computer = call.On(Methods.InputPointer);
        string done;
        switch (action)
        {
            case "move":
                await computer.PointerAsync(new PointerEvent(PointerAction.Move, point) { Modifiers = modifiers }, ct).ConfigureAwait(false);
                done = "Moved the pointer to";
                break;
            case "down" or "up":
                var button = args.String(Button.Name) ?? PointerButton.Left;
                await computer.PointerAsync(new PointerEvent(PointerAction.Move, point) { Modifiers = modifiers }, ct).ConfigureAwait(false);
                await computer.PointerAsync(new PointerEvent(action, point) { Button = button, Modifiers = modifiers }, ct).ConfigureAwait(false);
                done = action == "down" ? $"Pressed the {button} button at" : $"Released the {button} button at";
                break;
            case "scroll":
                var dx = args.Number(Dx.Name) ?? 0;
                var dy = args.Number(Dy.Name) ?? 0;
                if (dx == 0 && dy == 0)
                {
                    throw args.Invalid("scroll needs dx or dy (wheel clicks; dy > 0 scrolls down)");
                }

                await computer.PointerAsync(new PointerEvent(PointerAction.Move, point) { Modifiers = modifiers }, ct).ConfigureAwait(false);
                await computer.PointerAsync(new PointerEvent(PointerAction.Scroll, point) { Dx = dx, Dy = dy, Modifiers = modifiers }, ct).ConfigureAwait(false);
                done = $"Scrolled dx={Common.Number(dx)} dy={Common.Number(dy)} at";
                break;
            case "drag":
                var end = DragEnd(call);
                await computer.PointerAsync(new PointerEvent(PointerAction.Move, point) { Modifiers = modifiers }, ct).ConfigureAwait(false);
                await computer.PointerAsync(new PointerEvent(PointerAction.Down, point) { Button = PointerButton.Left, Modifiers = modifiers }, ct).ConfigureAwait(false);
                await computer.PointerAsync(new PointerEvent(PointerAction.Move, end) { Modifiers = modifiers }, ct).ConfigureAwait(false);
                await computer.PointerAsync(new PointerEvent(PointerAction.Up, end) { Button = PointerButton.Left, Modifiers = modifiers }, ct).ConfigureAwait(false);
                return ToolOutput.Text($"Dragged on {call.Where} from logical {Common.Point(point)}{note} to {Common.Point(end)}.");
            default:
                var (clickButton, count, what) = action switch
                {
                    "double_click" => (PointerButton.Left, 2, "Double-clicked"),
                    "triple_click" => (PointerButton.Left, 3, "Triple-clicked"),
                    "right_click" => (PointerButton.Right, 1, "Right-clicked"),
                    "middle_click" => (PointerButton.Middle, 1, "Middle-clicked"),
                    _ => (args.String(Button.Name) ?? PointerButton.Left, 1, "Clicked"),
                };

                // spec §17 click(): a move, then count × (down, up).
                await computer.PointerAsync(new PointerEvent(PointerAction.Move, point) { Modifiers = modifiers }, ct).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    await computer.PointerAsync(new PointerEvent(PointerAction.Down, point) { Button = clickButton, Modifiers = modifiers }, ct).ConfigureAwait(false);
                    await computer.PointerAsync(new PointerEvent(PointerAction.Up, point) { Button = clickButton, Modifiers = modifiers }, ct).ConfigureAwait(false);
                }

                done = clickButton == PointerButton.Left || action != "click" ? $"{what} at" : $"{what} ({clickButton}) at";
                break;
        }

        return ToolOutput.Text($"{done} logical {Common.Point(point)}{note} on {call.Where}.");
    }

    /// <summary>The logical point of the action: a mark's centre, or (x, y) mapped by <see cref="Common.ToLogical"/>.</summary>
    private static (Point Point, string Note) Target(ToolCall call, string action)
    {
        var args = call.Args;
        if (args.Int(MarkNumber.Name) is { } number)
        {
            if (args.Has(X.Name) || args.Has(Y.Name))
            {
                throw args.Invalid("give mark or x and y, not both");
            }

            var marks = call.Desk.Marks;
            if (marks.Count == 0)
            {
                throw new ToolFailure($"There is no marked screenshot of {call.Where}: take a screenshot with marks: true first, then use its numbers.");
            }

            var mark = marks.FirstOrDefault(m => m.Number == number)
                ?? throw new ToolFailure($"The last marked screenshot of {call.Where} has marks 1–{marks.Count}, not {number}.");
            return (mark.Center, $" (mark {number}: {mark.Role} {Common.Quoted(mark.Name, 80)})");
        }

        if (args.Number(X.Name) is not { } x || args.Number(Y.Name) is not { } y)
        {
            throw args.Invalid($"{action} needs x and y (or mark)");
        }

        var point = Common.ToLogical(call, x, y, out var note);
        return (point, note);
    }

    private static Point DragEnd(ToolCall call)
    {
        var args = call.Args;
        if (args.Number(ToX.Name) is not { } x || args.Number(ToY.Name) is not { } y)
        {
            throw args.Invalid("drag needs to_x and to_y");
        }

        return Common.ToLogical(call, x, y, out _);
    }
}
