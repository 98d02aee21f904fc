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

    public static ProtocolException Error(string message) => new(ErrorCodes.InvalidArgument, message);

    private void Require(string key)
    {
        if (!_parameters.TryGetValue(key, out var value) || value is null)
        {
            throw Error($"missing required parameter {PyRepr.Format(key)}");
        }
    }
}
