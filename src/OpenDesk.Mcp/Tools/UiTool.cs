using System.Globalization;
using System.Text;
using OpenDesk.Computer;
using OpenDesk.Mcp.Desks;

namespace OpenDesk.Mcp.Tools;

/// <summary>
/// <c>ui</c>: the accessibility tree. <c>tree</c> shows it, <c>find</c> searches it here (the whole tree does not
/// travel to the agent), <c>invoke</c> acts on an element found by id, mark, or role and name.
/// </summary>
internal static class UiTool
{
    private const int FindDepth = 32;
    private const int DefaultLimit = 20;

    private static readonly ToolParameter Action = new("action", ToolValueKind.String,
        $"tree: {Methods.Get(Methods.UITree).Description} find: the elements whose role and name contain the given text, with their ids. " +
        $"invoke: {Methods.Get(Methods.UIAction).Description}")
    {
        Required = true,
        Choices = ["tree", "find", "invoke"],
    };

    private static readonly ToolParameter WindowId = ToolParameter.FromMethod(Methods.UITree, "window_id");
    private static readonly ToolParameter App = ToolParameter.FromMethod(Methods.UITree, "app", description: "The application whose tree to read or search (as its accessible name), e.g. gtk3-widget-factory.");
    private static readonly ToolParameter MaxDepth = ToolParameter.FromMethod(Methods.UITree, "max_depth", description: $"How many levels below the root to read (find and invoke read {FindDepth}).") with { Minimum = 0, Maximum = 64 };
    private static readonly ToolParameter Role = new("role", ToolValueKind.String, "For find and invoke: text the element's role contains, e.g. button, check_box, text.");
    private static readonly ToolParameter Name = new("name", ToolValueKind.String, "For find and invoke: text the element's name contains (case is ignored).");
    private static readonly ToolParameter Limit = new("limit", ToolValueKind.Integer, "For find: the most elements to list.") { Default = (long)DefaultLimit, Minimum = 1, Maximum = 500 };
    private static readonly ToolParameter Id = new("id", ToolValueKind.String, "For invoke: the element's id, as tree or find listed it.");
    private static readonly ToolParameter MarkNumber = new("mark", ToolValueKind.Integer, "For invoke: mark N of the last screenshot taken with marks: true.") { Minimum = 1 };
    private static readonly ToolParameter ElementAction = ToolParameter.FromMethod(Methods.UIAction, "action", "element_action");
    private static readonly ToolParameter Value = new("value", ToolValueKind.String, "For element_action set_value: the new text, or a number for sliders and spin buttons.");

    public static ToolDefinition Definition { get; } = new()
    {
        Name = "ui",
        Title = "Accessibility tree",
        Description =
            "Read the accessibility tree of the focused window, a window or an application (roles, names, values, states, bounds in logical pixels, ids), " +
            "search it by role and name, and act on an element (click, press, activate, toggle, focus, set_value) without coordinates.",
        Methods = [Methods.UITree, Methods.UIAction],
        Parameters = [Action, App, WindowId, MaxDepth, Role, Name, Limit, Id, MarkNumber, ElementAction, Value, .. Common.ActionTail],
        OnDesk = true,
        RunAsync = RunAsync,
    };

    private static Task<ToolOutput> RunAsync(ToolCall call) => call.Args.String(Action.Name) switch
    {
        "tree" => TreeAsync(call),
        "find" => FindAsync(call),
        _ => InvokeAsync(call),
    };

    private static async Task<ToolOutput> TreeAsync(ToolCall call)
    {
        var args = call.Args;
        var root = await call.On(Methods.UITree).UITreeAsync(args.String(WindowId.Name), args.String(App.Name), args.Int(MaxDepth.Name) ?? 8, call.CancellationToken)
            .ConfigureAwait(false);
        var all = Flatten(root).ToList();
        call.Desk.Remember(all.Select(n => n.Element));
        var text = new StringBuilder(Header(call, root, all.Count));
        foreach (var (element, depth) in all)
        {
            text.Append('\n').Append(' ', depth * 2).Append(Describe(element));
        }

        return ToolOutput.Text(text.ToString());
    }

    private static async Task<ToolOutput> FindAsync(ToolCall call)
    {
        var args = call.Args;
        var (root, matches) = await SearchAsync(call).ConfigureAwait(false);
        var limit = args.Int(Limit.Name) ?? DefaultLimit;
        call.Desk.Remember(matches);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"{matches.Count} element{(matches.Count == 1 ? "" : "s")} matching {Criteria(args)} in {AppOf(root)} on {call.Where}");
        text.Append(matches.Count > limit ? $" (the first {limit} shown):" : matches.Count == 0 ? "." : ":");
        foreach (var element in matches.Take(limit))
        {
            text.Append('\n').Append(Describe(element));
        }

        if (Truncated(root))
        {
            text.Append("\nThe tree was cut at the desk's node limit; narrow the search with app or window_id.");
        }

        return ToolOutput.Text(text.ToString());
    }

    private static async Task<ToolOutput> InvokeAsync(ToolCall call)
    {
        var args = call.Args;
        var desk = call.Desk;
        var element = await TargetAsync(call).ConfigureAwait(false);
        var action = args.String(ElementAction.Name) ?? "click";
        if (action == "set_value")
        {
            element = element with { Value = args.RequiredString(Value.Name, "for set_value") };
        }

        await call.On(Methods.UIAction).UIActionAsync(element with { Children = [] }, action, args.String(App.Name), call.CancellationToken).ConfigureAwait(false);
        var what = action == "set_value" ? $"Set the value of {Summary(element)} to {Common.Quoted(element.Value ?? "")}" : $"Invoked {action} on {Summary(element)}";
        return ToolOutput.Text($"{what} on {(desk.IsLocal ? "this machine" : $"desk '{desk.Name}'")}.");
    }

    private static async Task<UIElement> TargetAsync(ToolCall call)
    {
        var args = call.Args;
        var desk = call.Desk;
        if (args.Int(MarkNumber.Name) is { } number)
        {
            var mark = desk.Marks.FirstOrDefault(m => m.Number == number)
                ?? throw new ToolFailure(desk.Marks.Count == 0
                    ? $"There is no marked screenshot of {call.Where}: take a screenshot with marks: true first."
                    : $"The last marked screenshot of {call.Where} has marks 1–{desk.Marks.Count}, not {number}.");
            return mark.Element;
        }

        if (args.String(Id.Name) is { } id)
        {
            if (desk.RememberedElement(id) is { } remembered)
            {
                return remembered;
            }

            return args.String(Role.Name) is { } role
                ? new UIElement(role) { Name = args.String(Name.Name) ?? "", Metadata = new Dictionary<string, object?> { ["id"] = id } }
                : throw new ToolFailure($"No element with id '{id}' was listed on {call.Where} by this session: run ui find (or tree) first, or pass its role with the id.");
        }

        if (!args.Has(Role.Name) && !args.Has(Name.Name))
        {
            throw args.Invalid("invoke needs the element: id, mark, or role and/or name");
        }

        var (root, matches) = await SearchAsync(call).ConfigureAwait(false);
        call.Desk.Remember(matches);
        if (matches.Count == 1)
        {
            return matches[0];
        }

        if (matches.Count == 0)
        {
            throw new ToolFailure($"No element matching {Criteria(args)} in {AppOf(root)} on {call.Where}. ui find with less specific text lists candidates.");
        }

        var wanted = args.String(Name.Name);
        var exact = matches.Where(m => wanted is not null && string.Equals(m.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (exact.Count == 1)
        {
            return exact[0];
        }

        var candidates = string.Join("\n", matches.Take(10).Select(Describe));
        throw new ToolFailure($"{matches.Count} elements match {Criteria(args)} on {call.Where}; invoke one by id:\n{candidates}");
    }

    /// <summary>The elements of the tree whose role and name contain the arguments' text, in tree order.</summary>
    private static async Task<(UIElement Root, List<UIElement> Matches)> SearchAsync(ToolCall call)
    {
        var args = call.Args;
        var role = args.String(Role.Name);
        var name = args.String(Name.Name);
        if (role is null && name is null)
        {
            throw args.Invalid("find needs role and/or name (ui tree shows everything)");
        }

        var root = await call.On(Methods.UITree).UITreeAsync(args.String(WindowId.Name), args.String(App.Name), args.Int(MaxDepth.Name) ?? FindDepth, call.CancellationToken)
            .ConfigureAwait(false);
        var matches = Flatten(root)
            .Select(n => n.Element)
            .Where(e => (role is null || e.Role.Contains(role, StringComparison.OrdinalIgnoreCase)) && (name is null || e.Name.Contains(name, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return (root, matches);
    }

    private static IEnumerable<(UIElement Element, int Depth)> Flatten(UIElement root)
    {
        var pending = new Stack<(UIElement, int)>([(root, 0)]);
        while (pending.TryPop(out var item))
        {
            yield return item;
            var (element, depth) = item;
            for (var i = element.Children.Count - 1; i >= 0; i--)
            {
                pending.Push((element.Children[i], depth + 1));
            }
        }
    }

    private static string Header(ToolCall call, UIElement root, int count)
    {
        var cut = Truncated(root) ? $", cut at the desk's limit of {root.Metadata.GetValueOrDefault("node_limit")} nodes (narrow it with window_id or max_depth)" : "";
        return $"Accessibility tree of {AppOf(root)} on {call.Where}: {count} elements{cut}. Bounds are logical pixels; act on an element with ui invoke and its id.";
    }

    private static string AppOf(UIElement root) => root.Metadata.GetValueOrDefault("app") is string { Length: > 0 } app ? $"'{app}'" : "the focused application";

    private static bool Truncated(UIElement root) => root.Metadata.GetValueOrDefault("truncated") is true;

    private static string Criteria(ToolArguments args) =>
        string.Join(" and ", new[] { args.String(Role.Name) is { } r ? $"role '{r}'" : null, args.String(Name.Name) is { } n ? $"name '{n}'" : null }.OfType<string>());

    private static string Summary(UIElement element) => element.Name.Length > 0 ? $"{element.Role} {Common.Quoted(element.Name, 80)}" : element.Role;

    private static string Describe(UIElement element)
    {
        var text = new StringBuilder(Summary(element));
        if (element.Value is { Length: > 0 } value)
        {
            text.Append(" value=").Append(Common.Quoted(value, 60));
        }

        if (element.Focused)
        {
            text.Append(" [focused]");
        }

        if (!element.Enabled)
        {
            text.Append(" [disabled]");
        }

        if (element.Metadata.GetValueOrDefault("states") is IEnumerable<object?> states)
        {
            var shown = states.OfType<string>().Where(s => s is "checked" or "selected" or "expanded" or "pressed").ToList();
            if (shown.Count > 0)
            {
                text.Append(" [").Append(string.Join(", ", shown)).Append(']');
            }
        }

        if (element.Bounds is { } bounds)
        {
            text.Append(" at ").Append(Common.Rect(bounds));
        }

        if (element.Actions.Count > 0)
        {
            text.Append(" actions=").Append(string.Join(',', element.Actions));
        }

        if (Desk.ElementId(element) is { } id)
        {
            text.Append(" id=").Append(id);
        }

        return text.ToString();
    }
}
