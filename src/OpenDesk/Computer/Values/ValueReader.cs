using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>Decodes one value type from its map: <c>(map, errorCode, context)</c>.</summary>
internal delegate T WireDecoder<out T>(MsgMap map, string errorCode, string context);

/// <summary>
/// <see cref="FieldReader"/> plus what the §17 value types need on top of it: 32-bit ints with a range check,
/// required bools, nested values and lists of them, and enum strings. Every failure is a
/// <see cref="ProtocolException"/> with the caller's error code, so the same decoders serve the client
/// (<c>protocol</c>) and the server's params (<c>invalid_argument</c>). Nested failures name the path,
/// e.g. <c>PointerEvent.point is missing required field 'x'</c>.
/// </summary>
internal readonly struct ValueReader
{
    private readonly FieldReader _fields;
    private readonly MsgMap _map;

    public ValueReader(MsgMap map, string context, string errorCode)
    {
        _map = map;
        _fields = new FieldReader(map, context, errorCode);
        Context = context;
        ErrorCode = errorCode;
    }

    public string Context { get; }

    public string ErrorCode { get; }

    public string RequiredString(string key) => _fields.RequiredString(key);

    public string OptionalString(string key, string defaultValue) => _fields.OptionalString(key, defaultValue);

    public string? NullableString(string key) => _fields.NullableString(key);

    public double RequiredDouble(string key) => _fields.RequiredDouble(key);

    public double OptionalDouble(string key, double defaultValue) => _fields.OptionalDouble(key, defaultValue);

    public double? NullableDouble(string key) => _fields.NullableDouble(key);

    public int RequiredInt32(string key) => ToInt32(key, _fields.RequiredInt(key));

    public int OptionalInt32(string key, int defaultValue) => ToInt32(key, _fields.OptionalInt(key, defaultValue));

    public int? NullableInt32(string key) => _fields.NullableInt(key) is { } value ? ToInt32(key, value) : null;

    public long OptionalInt64(string key, long defaultValue) => _fields.OptionalInt(key, defaultValue);

    public long? NullableInt64(string key) => _fields.NullableInt(key);

    public bool RequiredBool(string key) =>
        Raw(key) switch
        {
            bool b => b,
            null => throw Error($"is missing required field {PyRepr.Format(key)}"),
            var other => throw Error($"field {PyRepr.Format(key)} must be a bool, got {FieldReader.TypeName(other)}"),
        };

    public bool OptionalBool(string key, bool defaultValue) => _fields.OptionalBool(key, defaultValue);

    public byte[] RequiredBytes(string key) => _fields.RequiredBytes(key);

    public byte[]? NullableBytes(string key) => _fields.NullableBytes(key);

    public MsgMap OptionalMap(string key) => _fields.OptionalMap(key);

    public T Required<T>(string key, WireDecoder<T> decode) => decode(_fields.RequiredMap(key), ErrorCode, Nested(key));

    public T? Nullable<T>(string key, WireDecoder<T> decode)
        where T : class =>
        _fields.OptionalNullableMap(key) is { } map ? decode(map, ErrorCode, Nested(key)) : null;

    public IReadOnlyList<T> List<T>(string key, WireDecoder<T> decode)
    {
        var items = _fields.OptionalList(key);
        var result = new List<T>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var context = $"{Nested(key)}[{i}]";
            result.Add(items[i] is MsgMap map
                ? decode(map, ErrorCode, context)
                : throw new ProtocolException(ErrorCode, $"{context} must be a map, got {FieldReader.TypeName(items[i])}"));
        }

        return result;
    }

    /// <summary>An array of strings (default <c>[]</c>); with <paramref name="allowed"/>, each must be one of those.</summary>
    public IReadOnlyList<string> StringList(string key, IReadOnlySet<string>? allowed = null)
    {
        var items = _fields.OptionalList(key);
        var result = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not string s)
            {
                throw Error($"field {PyRepr.Format(key)} item {i} must be a string, got {FieldReader.TypeName(items[i])}");
            }

            result.Add(allowed is null ? s : CheckAllowed(key, s, allowed));
        }

        return result;
    }

    public string RequiredEnum(string key, IReadOnlySet<string> allowed) => CheckAllowed(key, RequiredString(key), allowed);

    public string? NullableEnum(string key, IReadOnlySet<string> allowed) =>
        NullableString(key) is { } value ? CheckAllowed(key, value, allowed) : null;

    public ProtocolException Error(string message) => new(ErrorCode, $"{Context} {message}");

    private string Nested(string key) => $"{Context}.{key}";

    private object? Raw(string key) => _map.TryGetValue(key, out var value) ? value : null;

    private int ToInt32(string key, long value) =>
        value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Error($"field {PyRepr.Format(key)} is out of range: {value}");

    private string CheckAllowed(string key, string value, IReadOnlySet<string> allowed) =>
        allowed.Contains(value)
            ? value
            : throw Error($"field {PyRepr.Format(key)} must be one of {string.Join(", ", allowed.Order(StringComparer.Ordinal))}, got {PyRepr.Format(value)}");
}

/// <summary>Encoding helpers shared by the value types.</summary>
public static class Wire
{
    /// <summary>Epoch seconds, the default of every timestamp field (spec §17).</summary>
    public static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    public static List<object?> List<T>(IReadOnlyList<T> items, Func<T, object?> encode)
    {
        var result = new List<object?>(items.Count);
        foreach (var item in items)
        {
            result.Add(encode(item));
        }

        return result;
    }

    public static List<object?> Strings(IReadOnlyList<string> items) => List(items, s => s);

    /// <summary>A shallow copy as a <see cref="MsgMap"/>, so results are plain msgpack trees whatever the caller passed.</summary>
    public static MsgMap Map(IReadOnlyDictionary<string, object?> source)
    {
        var map = new MsgMap(source.Count);
        foreach (var (key, value) in source)
        {
            map.Add(key, value);
        }

        return map;
    }

    public static MsgMap Empty() => new(0);

    public static IReadOnlySet<string> Set(params string[] values) => new HashSet<string>(values, StringComparer.Ordinal);
}
