namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// One accessible object: the unique bus name of its application's connection plus its object path. The
/// text form <c>:1.42:/org/a11y/atspi/accessible/17</c> is the element id that <c>ui.tree</c> hands out and
/// <c>ui.action</c> accepts back.
/// </summary>
internal readonly record struct AccessibleRef(string BusName, string Path)
{
    /// <summary>The D-Bus limit on bus names; object paths get the same bound, far above any AT-SPI path.</summary>
    private const int MaxNameLength = 255;

    public bool IsNull => string.IsNullOrEmpty(BusName) || Path == AtSpiNames.NullPath;

    public string Id => $"{BusName}:{Path}";

    /// <summary>
    /// Reads an id made by <see cref="Id"/>; false for anything else. Both halves are checked against the D-Bus
    /// grammar because the bus daemon drops a connection that sends it a malformed name or path.
    /// </summary>
    public static bool TryParse(string? id, out AccessibleRef reference)
    {
        reference = default;
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var split = id.IndexOf(":/", StringComparison.Ordinal);
        if (split <= 0)
        {
            return false;
        }

        var busName = id[..split];
        var path = id[(split + 1)..];
        if (!IsValidBusName(busName) || !IsValidObjectPath(path))
        {
            return false;
        }

        reference = new AccessibleRef(busName, path);
        return true;
    }

    /// <summary>A unique (<c>:1.42</c>) or well-known (<c>org.a11y.atspi.Registry</c>) bus name.</summary>
    public static bool IsValidBusName(string name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        var unique = name[0] == ':';
        var elements = (unique ? name[1..] : name).Split('.');
        if (elements.Length < 2)
        {
            return false;
        }

        foreach (var element in elements)
        {
            if (element.Length == 0 || (!unique && char.IsAsciiDigit(element[0])))
            {
                return false;
            }

            foreach (var c in element)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary><c>/</c> or <c>/a/b_c/9</c>: non-empty segments of ASCII letters, digits and underscores.</summary>
    public static bool IsValidObjectPath(string path)
    {
        if (path.Length is 0 or > MaxNameLength || path[0] != '/')
        {
            return false;
        }

        if (path.Length == 1)
        {
            return true;
        }

        foreach (var segment in path[1..].Split('/'))
        {
            if (segment.Length == 0)
            {
                return false;
            }

            foreach (var c in segment)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '_')
                {
                    return false;
                }
            }
        }

        return true;
    }

    public override string ToString() => Id;
}
