using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>
/// Platform facts about the controlled machine (spec §17, wire name <c>Environment</c>). Despite the upstream
/// docs, it carries no environment variables.
/// </summary>
/// <param name="Os">Lower-case OS name as Python's <c>platform.system().lower()</c> gives it: <c>linux</c>, <c>darwin</c>, <c>windows</c>.</param>
public sealed record EnvironmentInfo(string Os) : IWireValue
{
    public string OsVersion { get; init; } = "";

    public string Hostname { get; init; } = "";

    /// <summary>A POSIX-style locale such as <c>en_US</c>, or empty when unknown.</summary>
    public string Locale { get; init; } = "";

    /// <summary>The time zone id, e.g. <c>Etc/UTC</c> or <c>Europe/Berlin</c>.</summary>
    public string Timezone { get; init; } = "";

    public IReadOnlyList<Display> Displays { get; init; } = [];

    internal MsgMap ToMap() => new(6)
    {
        ["os"] = Os,
        ["os_version"] = OsVersion,
        ["hostname"] = Hostname,
        ["locale"] = Locale,
        ["timezone"] = Timezone,
        ["displays"] = Wire.List(Displays, d => d.ToMap()),
    };

    internal static EnvironmentInfo FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "Environment");

    internal static EnvironmentInfo FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new EnvironmentInfo(r.RequiredString("os"))
        {
            OsVersion = r.OptionalString("os_version", ""),
            Hostname = r.OptionalString("hostname", ""),
            Locale = r.OptionalString("locale", ""),
            Timezone = r.OptionalString("timezone", ""),
            Displays = r.List("displays", Display.FromMap),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
