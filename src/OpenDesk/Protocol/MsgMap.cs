namespace OpenDesk.Protocol;

/// <summary>
/// A msgpack map with string keys that keeps wire order, because upstream emits keys in declaration
/// order and the vectors pin the bytes (spec §2.3). Values are the tree types of <see cref="MsgPackReader"/>:
/// null, bool, long, ulong, double, string, byte[], <see cref="List{T}"/> of values, or a nested MsgMap.
/// </summary>
public sealed class MsgMap : OrderedDictionary<string, object?>
{
    public MsgMap() : base(StringComparer.Ordinal) { }

    public MsgMap(int capacity) : base(capacity, StringComparer.Ordinal) { }

    /// <summary>An empty map; callers must not mutate it.</summary>
    internal static MsgMap Empty() => new(0);
}
