namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// What one call per object (or one cache item) tells about an accessible: enough to place it in the tree and
/// decide whether it is shown, before any per-interface detail is read.
/// </summary>
/// <param name="Ref">The object.</param>
/// <param name="Parent">Its parent; a null reference for an application root.</param>
/// <param name="IndexInParent">Its position among the parent's children, or -1 when the application does not say.</param>
/// <param name="ChildCount">How many children it has, or -1 when they must be asked for with GetChildren.</param>
/// <param name="Children">The children when the source listed them, else null.</param>
/// <param name="Interfaces">The interfaces of <see cref="AtSpiInterfaces"/> it implements.</param>
/// <param name="Name">Its accessible name, empty when it has none.</param>
/// <param name="Role">Its AT-SPI role number (<see cref="AtSpiRoles"/>).</param>
/// <param name="Description">Its accessible description, empty when it has none.</param>
/// <param name="States">Its state set.</param>
internal sealed record AccessibleInfo(
    AccessibleRef Ref,
    AccessibleRef Parent,
    int IndexInParent,
    int ChildCount,
    IReadOnlyList<AccessibleRef>? Children,
    AtSpiInterfaces Interfaces,
    string Name,
    uint Role,
    string Description,
    AtSpiStateSet States);
