using System.Text;
using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>One representation of the clipboard's content (spec §17 ClipboardEntry).</summary>
/// <param name="MimeType">E.g. <c>text/plain;charset=utf-8</c> or <c>image/png</c>.</param>
/// <param name="Data">The content in that representation; UTF-8 for <c>text/*</c> types.</param>
public sealed record ClipboardEntry(string MimeType, byte[] Data) : IWireValue
{
    /// <summary>The MIME type the spec uses for text; its data is UTF-8.</summary>
    public const string TextMimeType = "text/plain;charset=utf-8";

    /// <summary>Whether a reader treats this entry as UTF-8 text: any <c>text/*</c> type.</summary>
    public bool IsText => MimeType.StartsWith("text/", StringComparison.OrdinalIgnoreCase);

    internal MsgMap ToMap() => new(2) { ["mime_type"] = MimeType, ["data"] = Data };

    internal static ClipboardEntry FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "ClipboardEntry");

    internal static ClipboardEntry FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new ClipboardEntry(r.RequiredString("mime_type"), r.RequiredBytes("data"));
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}

/// <summary>The clipboard's content in one or more representations (spec §17 ClipboardContents).</summary>
public sealed record ClipboardContents : IWireValue
{
    public IReadOnlyList<ClipboardEntry> Entries { get; init; } = [];

    /// <summary>The first <c>text/*</c> entry decoded as UTF-8, or null when there is none.</summary>
    public string? Text => Entries.FirstOrDefault(e => e.IsText) is { } entry ? Encoding.UTF8.GetString(entry.Data) : null;

    /// <summary>Contents holding just <paramref name="text"/> as <see cref="ClipboardEntry.TextMimeType"/>.</summary>
    public static ClipboardContents FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ClipboardContents { Entries = [new ClipboardEntry(ClipboardEntry.TextMimeType, Encoding.UTF8.GetBytes(text))] };
    }

    internal MsgMap ToMap() => new(1) { ["entries"] = Wire.List(Entries, e => e.ToMap()) };

    internal static ClipboardContents FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "ClipboardContents");

    internal static ClipboardContents FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new ClipboardContents { Entries = r.List("entries", ClipboardEntry.FromMap) };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
