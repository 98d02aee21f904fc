namespace OpenDesk.Linux.Accessibility;

/// <summary>The state set of an accessible: AT-SPI sends it as two 32-bit words, low word first.</summary>
internal readonly record struct AtSpiStateSet(ulong Bits)
{
    /// <summary>Lower-case names as AT-SPI spells them (<c>multi-line</c> becomes <c>multi_line</c>), by bit number.</summary>
    private static readonly string[] Names =
    [
        "invalid", "active", "armed", "busy", "checked", "collapsed", "defunct", "editable", "enabled",
        "expandable", "expanded", "focusable", "focused", "has_tooltip", "horizontal", "iconified", "modal",
        "multi_line", "multiselectable", "opaque", "pressed", "resizable", "selectable", "selected", "sensitive",
        "showing", "single_line", "stale", "transient", "vertical", "visible", "manages_descendants",
        "indeterminate", "required", "truncated", "animated", "invalid_entry", "supports_autocompletion",
        "selectable_text", "is_default", "visited", "checkable", "has_popup", "read_only",
    ];

    public static AtSpiStateSet FromWords(ReadOnlySpan<uint> words) =>
        new(words.Length switch
        {
            0 => 0,
            1 => words[0],
            _ => words[0] | ((ulong)words[1] << 32),
        });

    public bool Has(AtSpiState state) => (Bits & (1UL << (int)state)) != 0;

    /// <summary>The names of the states that are set, in bit order; unknown bits are named <c>state_N</c>.</summary>
    public List<object?> ToNames()
    {
        var names = new List<object?>();
        for (var bit = 1; bit < 64; bit++)
        {
            if ((Bits & (1UL << bit)) != 0)
            {
                names.Add(bit < Names.Length ? Names[bit] : $"state_{bit}");
            }
        }

        return names;
    }
}
