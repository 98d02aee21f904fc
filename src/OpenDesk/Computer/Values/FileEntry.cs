using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>A file or directory as returned by <c>fs.list</c> and <c>fs.stat</c> (spec §17 FileEntry).</summary>
/// <param name="Path">The full path on the controlled machine.</param>
/// <param name="Name">The last path component.</param>
/// <param name="IsDir">Whether the entry is a directory.</param>
public sealed record FileEntry(string Path, string Name, bool IsDir) : IWireValue
{
    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Modification time in epoch seconds, when known.</summary>
    public double? Mtime { get; init; }

    /// <summary>The POSIX <c>st_mode</c> (type and permission bits), when known.</summary>
    public int? Mode { get; init; }

    internal MsgMap ToMap() => new(6)
    {
        ["path"] = Path,
        ["name"] = Name,
        ["is_dir"] = IsDir,
        ["size"] = Size,
        ["mtime"] = Mtime,
        ["mode"] = (long?)Mode,
    };

    internal static FileEntry FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "FileEntry");

    internal static FileEntry FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new FileEntry(r.RequiredString("path"), r.RequiredString("name"), r.RequiredBool("is_dir"))
        {
            Size = r.OptionalInt64("size", 0),
            Mtime = r.NullableDouble("mtime"),
            Mode = r.NullableInt32("mode"),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
