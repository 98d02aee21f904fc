namespace OpenDesk.Protocol;

/// <summary>One decrypted protocol message (spec §9). Every frame carries <c>v</c> = 1 and a <c>type</c>.</summary>
public abstract record Frame
{
    public const int Version = 1;
}

/// <summary>The first frame in each direction (spec §9.4). A non-nil <see cref="Error"/> rejects the session.</summary>
public sealed record HelloFrame(string Role, string Principal, MsgMap Auth, MsgMap Capabilities, ErrorInfo? Error) : Frame
{
    public const string ClientRole = "client";
    public const string ServerRole = "server";

    public static HelloFrame Client() => new(ClientRole, "", new MsgMap(), new MsgMap(), null);
}

internal sealed record RequestFrame(long Id, string Method, bool Stream, MsgMap Params) : Frame;

internal sealed record ResponseFrame(long Id, long Seq, bool End, MsgMap? Result, ErrorInfo? Error) : Frame;

internal sealed record CancelFrame(long Id, string Reason) : Frame;

public sealed record PushFrame(string Topic, MsgMap Payload) : Frame;

/// <summary>The wire error object of <c>hello.error</c> and <c>res.error</c>.</summary>
public sealed record ErrorInfo(string Code, string Message, MsgMap Details)
{
    public ErrorInfo(string code, string message) : this(code, message, new MsgMap()) { }

    public ProtocolException ToException() => new(Code, Message, Details);
}
