using System.Buffers;

namespace OpenDesk.Protocol;

/// <summary>
/// Frame encode/decode (spec §9.2). Encoding emits exactly the specified keys in the specified order;
/// decoding accepts any key order, ignores unknown keys, fills defaults and rejects everything else
/// with <see cref="ProtocolException"/> code <c>protocol</c>.
/// </summary>
internal static class FrameCodec
{
    public static byte[] Encode(Frame frame)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Encode(frame, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Encode(Frame frame, IBufferWriter<byte> output)
    {
        var w = new MsgPackWriter(output);
        switch (frame)
        {
            case HelloFrame hello:
                w.WriteMapHeader(7);
                WriteHeader(w, "hello");
                w.WriteString("role");
                w.WriteString(hello.Role);
                w.WriteString("principal");
                w.WriteString(hello.Principal);
                w.WriteString("auth");
                w.WriteValue(hello.Auth);
                w.WriteString("capabilities");
                w.WriteValue(hello.Capabilities);
                w.WriteString("error");
                WriteError(w, hello.Error);
                break;
            case RequestFrame req:
                w.WriteMapHeader(6);
                WriteHeader(w, "req");
                w.WriteString("id");
                w.WriteInt(req.Id);
                w.WriteString("method");
                w.WriteString(req.Method);
                w.WriteString("stream");
                w.WriteBool(req.Stream);
                w.WriteString("params");
                w.WriteValue(req.Params);
                break;
            case ResponseFrame res:
                w.WriteMapHeader(7);
                WriteHeader(w, "res");
                w.WriteString("id");
                w.WriteInt(res.Id);
                w.WriteString("seq");
                w.WriteInt(res.Seq);
                w.WriteString("end");
                w.WriteBool(res.End);
                w.WriteString("result");
                w.WriteValue(res.Result);
                w.WriteString("error");
                WriteError(w, res.Error);
                break;
            case CancelFrame cancel:
                w.WriteMapHeader(4);
                WriteHeader(w, "cancel");
                w.WriteString("id");
                w.WriteInt(cancel.Id);
                w.WriteString("reason");
                w.WriteString(cancel.Reason);
                break;
            case PushFrame push:
                w.WriteMapHeader(4);
                WriteHeader(w, "push");
                w.WriteString("topic");
                w.WriteString(push.Topic);
                w.WriteString("payload");
                w.WriteValue(push.Payload);
                break;
            default:
                throw new ArgumentException($"unknown frame type {frame.GetType().Name}", nameof(frame));
        }
    }

    public static Frame Decode(ReadOnlySpan<byte> data)
    {
        if (MsgPackReader.ReadSingle(data) is not MsgMap map)
        {
            throw ProtocolException.Malformed("frame is not a map");
        }

        return Decode(map);
    }

    public static Frame Decode(MsgMap map)
    {
        if (!map.TryGetValue("type", out var typeValue) || typeValue is not string type)
        {
            throw ProtocolException.Malformed($"missing or invalid 'type' field: {PyRepr.Format(typeValue)}");
        }

        var fields = new FieldReader(map, type);
        var version = fields.OptionalInt("v", Frame.Version);
        if (version != Frame.Version)
        {
            throw ProtocolException.Malformed($"unsupported frame version {version}");
        }

        return type switch
        {
            "hello" => new HelloFrame(
                RequireRole(fields.RequiredString("role")),
                fields.OptionalString("principal", ""),
                fields.OptionalMap("auth"),
                fields.OptionalMap("capabilities"),
                fields.OptionalError("error")),
            "req" => new RequestFrame(
                fields.RequiredId(),
                fields.RequiredString("method"),
                fields.OptionalBool("stream", false),
                fields.OptionalMap("params")),
            "res" => new ResponseFrame(
                fields.RequiredId(),
                fields.OptionalInt("seq", 0),
                fields.OptionalBool("end", true),
                fields.OptionalNullableMap("result"),
                fields.OptionalError("error")),
            "cancel" => new CancelFrame(fields.RequiredId(), fields.OptionalString("reason", "")),
            "push" => new PushFrame(fields.RequiredString("topic"), fields.OptionalMap("payload")),
            _ => throw ProtocolException.Malformed($"Unknown frame type: {PyRepr.Format(type)}"),
        };
    }

    private static string RequireRole(string role) =>
        role is HelloFrame.ClientRole or HelloFrame.ServerRole
            ? role
            : throw ProtocolException.Malformed($"hello role must be 'client' or 'server', got {PyRepr.Format(role)}");

    private static void WriteHeader(MsgPackWriter w, string type)
    {
        w.WriteString("v");
        w.WriteInt(Frame.Version);
        w.WriteString("type");
        w.WriteString(type);
    }

    private static void WriteError(MsgPackWriter w, ErrorInfo? error)
    {
        if (error is null)
        {
            w.WriteNil();
            return;
        }

        w.WriteMapHeader(3);
        w.WriteString("code");
        w.WriteString(error.Code);
        w.WriteString("message");
        w.WriteString(error.Message);
        w.WriteString("details");
        w.WriteValue(error.Details);
    }
}
