using System.Collections.Concurrent;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// The action names of objects read in this session. A widget's actions come with its kind (a check box
/// clicks, a combo box presses) and toolkits number their objects without reusing a path while the
/// application runs, so a controller that asks for a tree after every step pays for each object's names once
/// instead of two calls per object every time. Acting never relies on it: <c>ui.action</c> reads the names afresh.
/// </summary>
internal sealed class ActionNameCache
{
    /// <summary>Far more objects than a desktop shows; past it the cache starts over rather than grow without end.</summary>
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<AccessibleRef, IReadOnlyList<string>> _names = new();

    public int Count => _names.Count;

    public bool TryGet(AccessibleRef reference, out IReadOnlyList<string> names) => _names.TryGetValue(reference, out names!);

    public void Add(AccessibleRef reference, IReadOnlyList<string> names)
    {
        if (_names.Count >= Capacity)
        {
            _names.Clear();
        }

        _names[reference] = names;
    }

    /// <summary>Drops the names of an application that left the bus; its bus name is never given out again.</summary>
    public void ForgetApplication(string busName)
    {
        foreach (var reference in _names.Keys)
        {
            if (reference.BusName == busName)
            {
                _names.TryRemove(reference, out _);
            }
        }
    }
}
