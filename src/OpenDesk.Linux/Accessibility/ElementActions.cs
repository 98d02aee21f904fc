using System.Globalization;
using OpenDesk.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// Invokes a <c>ui.action</c> on a found object:
/// <list type="bullet">
/// <item><c>click</c>, <c>press</c>, <c>activate</c>, <c>toggle</c>: the object's own AT-SPI action of that name, else
/// the first of its kin the object offers (toolkits name the one default action of a widget differently: GTK
/// check boxes "click", combo boxes "press", entries "activate");</item>
/// <item><c>focus</c>: Component.GrabFocus;</item>
/// <item><c>set_value</c>: the element's <c>value</c>, when it is a number, becomes the current value of an
/// object with a Value (slider, spin button), else the whole text of one with EditableText (entry);</item>
/// <item>any other name: the object's AT-SPI action of exactly that name (case-insensitive), e.g. <c>expand or contract</c>.</item>
/// </list>
/// </summary>
internal static class ElementActions
{
    private static readonly Dictionary<string, string[]> Kin = new(StringComparer.Ordinal)
    {
        ["click"] = ["click", "press", "activate", "toggle", "jump"],
        ["press"] = ["press", "click", "activate"],
        ["activate"] = ["activate", "click", "press", "jump"],
        ["toggle"] = ["toggle", "click", "press", "activate"],
    };

    public static async Task PerformAsync(AtSpiConnection bus, AccessibleInfo target, string action, string? value)
    {
        var name = action.Trim().ToLowerInvariant();
        if (name.Length == 0)
        {
            throw new ArgumentException("action is empty; use click, press, activate, toggle, focus, set_value or one of the element's actions");
        }

        switch (name)
        {
            case UIElementMapper.FocusAction:
                await FocusAsync(bus, target).ConfigureAwait(false);
                return;
            case UIElementMapper.SetValueAction:
                await SetValueAsync(bus, target, value).ConfigureAwait(false);
                return;
        }

        var offered = target.Interfaces.HasFlag(AtSpiInterfaces.Action) ? await bus.GetActionNamesAsync(target.Ref).ConfigureAwait(false) : [];
        var wanted = Kin.TryGetValue(name, out var kin) ? kin : [name];
        var index = wanted.Select(w => offered.FindIndex(o => string.Equals(o, w, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(i => i >= 0, -1);
        if (index < 0)
        {
            throw new ArgumentException(
                $"{Describe(target)} has no action '{action}'; it offers {(offered.Count == 0 ? "no AT-SPI actions" : string.Join(", ", offered.Select(o => $"'{o}'")))}"
                + $"{(target.Interfaces.HasFlag(AtSpiInterfaces.Component) ? ", plus 'focus'" : "")}");
        }

        if (!await bus.DoActionAsync(target.Ref, index).ConfigureAwait(false))
        {
            throw new OpenDeskException($"the application refused action '{offered[index]}' on {Describe(target)}");
        }
    }

    private static async Task FocusAsync(AtSpiConnection bus, AccessibleInfo target)
    {
        if (!target.Interfaces.HasFlag(AtSpiInterfaces.Component) || !target.States.Has(AtSpiState.Focusable))
        {
            throw new ArgumentException($"{Describe(target)} cannot take the keyboard focus");
        }

        if (!await bus.GrabFocusAsync(target.Ref).ConfigureAwait(false))
        {
            throw new OpenDeskException($"the application refused to focus {Describe(target)}");
        }
    }

    private static async Task SetValueAsync(AtSpiConnection bus, AccessibleInfo target, string? value)
    {
        if (value is null)
        {
            throw new ArgumentException("set_value takes the new value from the element's value field, which is nil");
        }

        var adjustable = UIElementMapper.CanSetValue(target) && target.Interfaces.HasFlag(AtSpiInterfaces.Value);
        var isNumber = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number);

        // A spin button is both: its text only becomes its value once the user leaves the field, so a number
        // goes to the value, where the widget takes it at once.
        if (adjustable && isNumber)
        {
            await bus.SetCurrentValueAsync(target.Ref, number).ConfigureAwait(false);
            return;
        }

        if (target.Interfaces.HasFlag(AtSpiInterfaces.EditableText) && target.States.Has(AtSpiState.Editable))
        {
            if (!await bus.SetTextContentsAsync(target.Ref, value).ConfigureAwait(false))
            {
                throw new OpenDeskException($"the application refused to set the text of {Describe(target)}");
            }

            return;
        }

        if (adjustable)
        {
            throw new ArgumentException($"{Describe(target)} holds a number; '{value}' is not one");
        }

        throw new ArgumentException($"{Describe(target)} has no editable text or adjustable value to set");
    }

    private static string Describe(AccessibleInfo target) =>
        target.Name.Length > 0 ? $"{AtSpiRoles.Name(target.Role)} '{target.Name}'" : $"the {AtSpiRoles.Name(target.Role)}";
}
