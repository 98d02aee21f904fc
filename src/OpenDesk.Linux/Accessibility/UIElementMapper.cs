using System.Globalization;
using OpenDesk.Computer;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// Turns read nodes into the protocol's <see cref="UIElement"/> (spec §17). Bounds are screen pixels, the
/// coordinates of pointer input on X11, and nil for an object that is not showing. Besides the AT-SPI action names an
/// element lists the two actions <c>ui.action</c> adds on top of them where they apply: <c>focus</c> for
/// focusable components and <c>set_value</c> for editable text and adjustable values. Its metadata carries
/// what finds it again and what the fixed fields cannot say:
/// <list type="bullet">
/// <item><c>id</c>: <c>"&lt;bus name&gt;:&lt;object path&gt;"</c>, valid while the application runs;</item>
/// <item><c>path</c>: child indexes from the application root, which also survive a restart of the application;</item>
/// <item><c>atspi_role</c>, <c>states</c> (e.g. <c>checked</c>, <c>editable</c>), <c>description</c> when set;</item>
/// <item><c>min_value</c>, <c>max_value</c>, <c>step</c> for values; <c>text_length</c> when <c>value</c> holds only the start of a long text;</item>
/// <item><c>children_omitted</c>: how many shown children the depth or node limit left out.</item>
/// </list>
/// </summary>
internal static class UIElementMapper
{
    public const string FocusAction = "focus";
    public const string SetValueAction = "set_value";

    public static UIElement ToElement(AccessibleNode node, IReadOnlyDictionary<string, object?>? extraMetadata = null)
    {
        var info = node.Info;
        var metadata = new Dictionary<string, object?>
        {
            ["id"] = info.Ref.Id,
            ["path"] = node.Path.Select(i => (object?)(long)i).ToList(),
            ["atspi_role"] = AtSpiRoles.AtSpiName(info.Role),
            ["states"] = info.States.ToNames(),
        };
        if (info.Description.Length > 0)
        {
            metadata["description"] = info.Description;
        }

        if (node.Value is { } range)
        {
            AddNumber(metadata, "min_value", range.Minimum);
            AddNumber(metadata, "max_value", range.Maximum);
            AddNumber(metadata, "step", range.Increment);
        }

        if (node.TextLength is { } length)
        {
            metadata["text_length"] = (long)length;
        }

        if (node.ChildrenOmitted > 0)
        {
            metadata["children_omitted"] = (long)node.ChildrenOmitted;
        }

        if (extraMetadata is not null)
        {
            foreach (var (key, value) in extraMetadata)
            {
                metadata[key] = value;
            }
        }

        return new UIElement(AtSpiRoles.Name(info.Role))
        {
            Name = info.Name,
            Value = ValueOf(node),
            Bounds = node.Extents is { IsPlaced: true } e ? new Rect(e.X, e.Y, e.Width, e.Height) : null,
            Focused = info.States.Has(AtSpiState.Focused),
            Enabled = IsEnabled(info),
            Actions = ActionsOf(node),
            Children = [.. node.Children.Select(c => ToElement(c))],
            Metadata = metadata,
        };
    }

    /// <summary>A value widget's number, else the text when it says more than the name does.</summary>
    public static string? ValueOf(AccessibleNode node)
    {
        if (node.Value is { Current: var current } && double.IsFinite(current))
        {
            return Format(current);
        }

        return node.Text is { } text && text != node.Info.Name ? text : null;
    }

    public static List<string> ActionsOf(AccessibleNode node)
    {
        var info = node.Info;
        var actions = new List<string>(node.ActionNames.Where(a => a.Length > 0));
        if (info.Interfaces.HasFlag(AtSpiInterfaces.Component) && info.States.Has(AtSpiState.Focusable))
        {
            actions.Add(FocusAction);
        }

        if (CanSetValue(info))
        {
            actions.Add(SetValueAction);
        }

        return actions;
    }

    public static bool CanSetValue(AccessibleInfo info)
    {
        if (info.States.Has(AtSpiState.ReadOnly))
        {
            return false;
        }

        if (info.Interfaces.HasFlag(AtSpiInterfaces.EditableText) && info.States.Has(AtSpiState.Editable))
        {
            return true;
        }

        // Progress and level bars implement Value for reading only.
        return info.Interfaces.HasFlag(AtSpiInterfaces.Value) && AtSpiRoles.AtSpiName(info.Role) is not ("progress bar" or "level bar");
    }

    /// <summary>Toolkits mark a usable widget enabled and sensitive; an application object carries no states at all.</summary>
    public static bool IsEnabled(AccessibleInfo info) =>
        info.Role == AtSpiRoles.Application || info.States.Has(AtSpiState.Enabled) || info.States.Has(AtSpiState.Sensitive);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void AddNumber(Dictionary<string, object?> metadata, string key, double value)
    {
        if (double.IsFinite(value))
        {
            metadata[key] = value;
        }
    }
}
