namespace OpenDesk.Protocol;

/// <summary>
/// Typed access to the keys of a decoded map with the spec's leniency (§2.2: an int where a float is
/// expected, an integral float where an int is expected; defaults for missing keys) and its strictness
/// (a wrong type is a protocol error). Used for frames and for the value types inside params and results.
/// </summary>
internal readonly struct FieldReader
{
    private readonly MsgMap _map;
    private readonly string _context;
    private readonly string _errorCode;

    public FieldReader(MsgMap map, string context, string errorCode = ErrorCodes.Protocol)
    {
        _map = map;
        _context = context;
        _errorCode = errorCode;
    }

    public MsgMap Map => _map;

    public bool Has(string key) => _map.TryGetValue(key, out var value) && value is not null;

    public string RequiredString(string key) =>
        Get(key) switch
        {
            string s => s,
            null => throw Missing(key),
            var other => throw WrongType(key, "a string", other),
        };

    public string OptionalString(string key, string defaultValue) =>
        Get(key) switch
        {
            null => defaultValue,
            string s => s,
            var other => throw WrongType(key, "a string", other),
        };

    public string? NullableString(string key) => Get(key) switch
    {
        null => null,
        string s => s,
        var other => throw WrongType(key, "a string", other),
    };

    public long RequiredInt(string key) => Get(key) is { } value ? ToInt(key, value) : throw Missing(key);

    public long OptionalInt(string key, long defaultValue) => Get(key) is { } value ? ToInt(key, value) : defaultValue;

    public long? NullableInt(string key) => Get(key) is { } value ? ToInt(key, value) : null;

    /// <summary>A call id: a non-negative integer up to 2^63−1 (spec §10).</summary>
    public long RequiredId()
    {
        var id = RequiredInt("id");
        return id >= 0 ? id : throw Error($"{_context} 'id' must not be negative, got {id}");
    }

    public double RequiredDouble(string key) => Get(key) is { } value ? ToDouble(key, value) : throw Missing(key);

    public double OptionalDouble(string key, double defaultValue) => Get(key) is { } value ? ToDouble(key, value) : defaultValue;

    public double? NullableDouble(string key) => Get(key) is { } value ? ToDouble(key, value) : null;

    public bool OptionalBool(string key, bool defaultValue) =>
        Get(key) switch
        {
            null => defaultValue,
            bool b => b,
            var other => throw WrongType(key, "a bool", other),
        };

    public byte[] RequiredBytes(string key) =>
        Get(key) switch
        {
            byte[] b => b,
            null => throw Missing(key),
            var other => throw WrongType(key, "bytes (bin)", other),
        };

    public byte[]? NullableBytes(string key) =>
        Get(key) switch
        {
            null => null,
            byte[] b => b,
            var other => throw WrongType(key, "bytes (bin)", other),
        };

    public MsgMap RequiredMap(string key) =>
        Get(key) switch
        {
            MsgMap m => m,
            null => throw Missing(key),
            var other => throw WrongType(key, "a map", other),
        };

    /// <summary>A map with default <c>{}</c>. nil counts as missing only where the spec allows nil (it does not here).</summary>
    public MsgMap OptionalMap(string key)
    {
        if (!_map.TryGetValue(key, out var value))
        {
            return new MsgMap();
        }

        return value as MsgMap ?? throw WrongType(key, "a map", value);
    }

    public MsgMap? OptionalNullableMap(string key) =>
        Get(key) switch
        {
            null => null,
            MsgMap m => m,
            var other => throw WrongType(key, "a map or nil", other),
        };

    public List<object?> OptionalList(string key) =>
        Get(key) switch
        {
            null => [],
            List<object?> list => list,
            var other => throw WrongType(key, "an array", other),
        };

    public ErrorInfo? OptionalError(string key)
    {
        switch (Get(key))
        {
            case null:
                return null;
            case MsgMap map:
                var fields = new FieldReader(map, $"{_context} {key}", _errorCode);
                return new ErrorInfo(
                    fields.OptionalString("code", ErrorCodes.Internal),
                    fields.OptionalString("message", ""),
                    fields.OptionalMap("details"));
            case var other:
                throw WrongType(key, "an error map or nil", other);
        }
    }

    private object? Get(string key) => _map.TryGetValue(key, out var value) ? value : null;

    private long ToInt(string key, object value) => value switch
    {
        long l => l,
        double d when Math.Floor(d) == d && d >= long.MinValue && d < 9.2233720368547758e18 => (long)d,
        ulong => throw Error($"{_context} {PyRepr.Format(key)} is out of range"),
        _ => throw WrongType(key, "an integer", value),
    };

    private double ToDouble(string key, object value) => value switch
    {
        double d => d,
        long l => l,
        ulong ul => ul,
        _ => throw WrongType(key, "a number", value),
    };

    private ProtocolException Missing(string key) => Error($"{_context} is missing required field {PyRepr.Format(key)}");

    private ProtocolException WrongType(string key, string expected, object? actual) =>
        Error($"{_context} field {PyRepr.Format(key)} must be {expected}, got {TypeName(actual)}");

    private ProtocolException Error(string message) => new(_errorCode, message);

    internal static string TypeName(object? value) => value switch
    {
        null => "nil",
        bool => "bool",
        long or ulong => "int",
        double => "float",
        string => "str",
        byte[] => "bin",
        MsgMap => "map",
        List<object?> => "array",
        _ => value.GetType().Name,
    };
}
