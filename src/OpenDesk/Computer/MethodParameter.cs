namespace OpenDesk.Computer;

/// <summary>The wire type of a method parameter (spec §16, §17), as a JSON schema would name it.</summary>
public enum ParameterType
{
    String,
    Boolean,
    Integer,
    Number,

    /// <summary>msgpack bin; base64 where a text encoding must carry it.</summary>
    Bytes,
    StringList,

    /// <summary>A map of names to strings, such as <c>env</c>.</summary>
    StringMap,

    /// <summary>One of the value types of spec §17; <see cref="MethodParameter.ValueType"/> says which.</summary>
    Value,
}

/// <summary>
/// One key of a method's <c>params</c> (spec §16): its name, type, whether it may be omitted and what it then means.
/// The server reads params by these, the client writes them by these, and tool schemas are made from them.
/// </summary>
/// <param name="Name">The wire key.</param>
/// <param name="Type">The wire type.</param>
/// <param name="Description">What it means, for people and for agents choosing arguments.</param>
public sealed record MethodParameter(string Name, ParameterType Type, string Description)
{
    /// <summary>Must be present and not nil.</summary>
    public bool Required { get; init; }

    /// <summary>May be nil (the spec's <c>?</c>); nil then means what <see cref="Description"/> says.</summary>
    public bool Nullable { get; init; }

    /// <summary>The value a missing key stands for, when it has one.</summary>
    public object? Default { get; init; }

    /// <summary>For <see cref="ParameterType.Value"/>: the value type, e.g. <see cref="Rect"/>.</summary>
    public Type? ValueType { get; init; }

    /// <summary>The allowed strings, for a parameter that is an enumeration.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>
    /// An extension of this implementation beyond spec §16: clients send it only when it is set, so servers that do
    /// not know it see exactly the spec's params.
    /// </summary>
    public bool Extension { get; init; }
}
