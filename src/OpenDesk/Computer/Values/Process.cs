using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>A running process (spec §17, wire name <c>Process</c>).</summary>
public sealed record ProcessInfo(int Pid, string Name) : IWireValue
{
    public int? Ppid { get; init; }

    /// <summary>The argument vector, empty when the OS does not reveal it.</summary>
    public IReadOnlyList<string> Cmdline { get; init; } = [];

    internal MsgMap ToMap() => new(4)
    {
        ["pid"] = (long)Pid,
        ["name"] = Name,
        ["ppid"] = (long?)Ppid,
        ["cmdline"] = Wire.Strings(Cmdline),
    };

    internal static ProcessInfo FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "Process");

    internal static ProcessInfo FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new ProcessInfo(r.RequiredInt32("pid"), r.RequiredString("name"))
        {
            Ppid = r.NullableInt32("ppid"),
            Cmdline = r.StringList("cmdline"),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}

/// <summary>The outcome of <c>process.shell</c> or <c>process.exec</c> (spec §17 CompletedCommand).</summary>
/// <param name="Returncode">The exit code; negative when a signal ended the process, as in Python.</param>
/// <param name="Stdout">Raw bytes; the process's encoding is not known to the protocol.</param>
/// <param name="Stderr">Raw bytes.</param>
public sealed record CompletedCommand(int Returncode, byte[] Stdout, byte[] Stderr) : IWireValue
{
    /// <summary>Wall-clock run time in seconds.</summary>
    public double Duration { get; init; }

    internal MsgMap ToMap() => new(4)
    {
        ["returncode"] = (long)Returncode,
        ["stdout"] = Stdout,
        ["stderr"] = Stderr,
        ["duration"] = Duration,
    };

    internal static CompletedCommand FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "CompletedCommand");

    internal static CompletedCommand FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new CompletedCommand(r.RequiredInt32("returncode"), r.RequiredBytes("stdout"), r.RequiredBytes("stderr"))
        {
            Duration = r.OptionalDouble("duration", 0.0),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
