using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>
/// The <c>params</c> of one request, read per the method table (spec §16). Every failure is
/// <c>invalid_argument</c>: upstream answers a missing required param with <c>internal</c> and the bare key,
/// which spec §14.2 asks servers to improve on. A nil value counts as missing; extra keys are ignored.
/// </summary>
internal readonly struct ParamReader
{
    private readonly MsgMap _parameters;
    private readonly ValueReader _values;

    public ParamReader(MsgMap parameters)
    {
        _parameters = parameters;
        _values = new ValueReader(parameters, "params", ErrorCodes.InvalidArgument);
    }

    public string RequiredString(string key)
    {
        Require(key);
        return _values.RequiredString(key);
    }

    public string OptionalString(string key, string defaultValue) => _values.OptionalString(key, defaultValue);

    public string? NullableString(string key) => _values.NullableString(key);

    public bool OptionalBool(string key, bool defaultValue) => _values.OptionalBool(key, defaultValue);

    public int OptionalInt32(string key, int defaultValue) => _values.OptionalInt32(key, defaultValue);

    public int? NullableInt32(string key) => _values.NullableInt32(key);

    public double? NullableDouble(string key) => _values.NullableDouble(key);

    public byte[] RequiredBytes(string key)
    {
        Require(key);
        return _values.RequiredBytes(key);
    }

    public byte[]? NullableBytes(string key) => _values.NullableBytes(key);

    public T Required<T>(string key, WireDecoder<T> decode)
    {
        Require(key);
        return _values.Required(key, decode);
    }

    public T? Nullable<T>(string key, WireDecoder<T> decode)
        where T : class =>
        _values.Nullable(key, decode);

    public IReadOnlyList<string> RequiredStringList(string key)
    {
        Require(key);
        return _values.StringList(key);
    }

    /// <summary>A <c>map&lt;str, str&gt;?</c> such as <c>env</c>.</summary>
    public IReadOnlyDictionary<string, string>? NullableStringMap(string key)
    {
        if (!_parameters.TryGetValue(key, out var raw) || raw is null)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in _values.OptionalMap(key))
        {
            result[name] = value as string
                ?? throw Error($"parameter {PyRepr.Format(key)} must map names to strings, got {FieldReader.TypeName(value)} for {PyRepr.Format(name)}");
        }

        return result;
    }

    // Reads by the method table's parameter: its name, and whether and how it may be left out.

    public string String(MethodParameter parameter) =>
        parameter.Required ? RequiredString(parameter.Name) : OptionalString(parameter.Name, (string?)parameter.Default ?? "");

    public string? NullableString(MethodParameter parameter) => NullableString(parameter.Name);

    public bool Bool(MethodParameter parameter) => OptionalBool(parameter.Name, (bool)(parameter.Default ?? false));

    public int Int32(MethodParameter parameter) => OptionalInt32(parameter.Name, (int)(parameter.Default ?? 0));

    public int? NullableInt32(MethodParameter parameter) => NullableInt32(parameter.Name);

    public double? NullableDouble(MethodParameter parameter) => NullableDouble(parameter.Name);

    public byte[] Bytes(MethodParameter parameter) => RequiredBytes(parameter.Name);

    public byte[]? NullableBytes(MethodParameter parameter) => NullableBytes(parameter.Name);

    public T Value<T>(MethodParameter parameter, WireDecoder<T> decode) => Required(parameter.Name, decode);

    public T? NullableValue<T>(MethodParameter parameter, WireDecoder<T> decode)
        where T : class =>
        Nullable(parameter.Name, decode);

    public IReadOnlyList<string> Strings(MethodParameter parameter) => RequiredStringList(parameter.Name);

    public IReadOnlyDictionary<string, string>? StringMap(MethodParameter parameter) => NullableStringMap(parameter.Name);

    public static ProtocolException Error(string message) => new(ErrorCodes.InvalidArgument, message);

    private void Require(string key)
    {
        if (!_parameters.TryGetValue(key, out var value) || value is null)
        {
            throw Error($"missing required parameter {PyRepr.Format(key)}");
        }
    }
}
