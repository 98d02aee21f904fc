using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Imaging;
using OpenDesk.Mcp.Imaging;

namespace OpenDesk.Mcp.Desks;

/// <summary>
/// One target of the computer-use tools, this machine or a paired desk, with what the tools remember about it
/// between calls: the last screenshot's coordinate space, the marks of the last marked screenshot and the
/// accessibility elements last listed, so a later call can refer to them.
/// </summary>
internal sealed class Desk
{
    /// <summary>Elements remembered per desk; the oldest are forgotten past this, a tree of a large app is bigger.</summary>
    private const int ElementCapacity = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, UIElement> _elements = new(StringComparer.Ordinal);
    private readonly Queue<string> _elementOrder = new();
    private ScreenFrame? _frame;
    private IReadOnlyList<Mark> _marks = [];

    public Desk(string name, IComputer computer, RemoteComputer? remote)
    {
        Name = name;
        Computer = computer;
        Remote = remote;
    }

    /// <summary><c>local</c>, or the paired desk's name.</summary>
    public string Name { get; }

    public IComputer Computer { get; }

    /// <summary>The connection, for a paired desk; null for this machine.</summary>
    public RemoteComputer? Remote { get; }

    public bool IsLocal => Remote is null;

    /// <summary>True once the desk answered that it cannot list its displays (display.displays); screenshots measure them.</summary>
    public bool LacksDisplayList { get; set; }

    /// <summary>The displays measured by a capture, for a desk that cannot list them; null before the first screenshot.</summary>
    public IReadOnlyList<Display>? MeasuredDisplays { get; set; }

    /// <summary>The coordinate space of the last screenshot; null before the first.</summary>
    public ScreenFrame? Frame
    {
        get
        {
            lock (_gate)
            {
                return _frame;
            }
        }
    }

    /// <summary>The legend of the last screenshot with marks; empty when the last one had none.</summary>
    public IReadOnlyList<Mark> Marks
    {
        get
        {
            lock (_gate)
            {
                return _marks;
            }
        }
    }

    public void Remember(ScreenFrame frame, IReadOnlyList<Mark> marks)
    {
        lock (_gate)
        {
            _frame = frame;
            _marks = marks;
        }

        Remember(marks.Select(m => m.Element));
    }

    /// <summary>Keeps elements by their <c>metadata.id</c>, so a later <c>ui</c> call can act on one by id alone.</summary>
    public void Remember(IEnumerable<UIElement> elements)
    {
        lock (_gate)
        {
            foreach (var element in elements)
            {
                if (ElementId(element) is not { } id)
                {
                    continue;
                }

                if (!_elements.ContainsKey(id))
                {
                    _elementOrder.Enqueue(id);
                }

                _elements[id] = element with { Children = [] };
                while (_elementOrder.Count > ElementCapacity)
                {
                    _elements.Remove(_elementOrder.Dequeue());
                }
            }
        }
    }

    public UIElement? RememberedElement(string id)
    {
        lock (_gate)
        {
            return _elements.GetValueOrDefault(id);
        }
    }

    public static string? ElementId(UIElement element) =>
        element.Metadata.TryGetValue("id", out var value) && value is string { Length: > 0 } id ? id : null;
}
