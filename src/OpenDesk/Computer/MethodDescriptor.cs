using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>Whether the console policy auto-approves a method (spec §21) or asks first.</summary>
public enum MethodClass
{
    /// <summary>Reads the desktop; approved without asking.</summary>
    Observation,

    /// <summary>Changes something; a gated policy asks first.</summary>
    Action,
}

/// <summary>
/// One row of the method table (spec §16): everything the server's dispatcher, the client's typed methods, the
/// approval policy, the audit log and tool front ends need to know about a wire method, in one place.
/// </summary>
public sealed class MethodDescriptor
{
    private readonly Func<IComputer, ParamReader, CancellationToken, ValueTask<MsgMap?>>? _invoke;
    private readonly Func<IComputer, ParamReader, CancellationToken, IAsyncEnumerable<MsgMap>>? _open;

    internal MethodDescriptor(
        string name,
        MethodClass methodClass,
        string? capability,
        string description,
        IReadOnlyList<MethodParameter> parameters,
        Type? resultType,
        Func<IComputer, ParamReader, CancellationToken, ValueTask<MsgMap?>>? invoke,
        Func<IComputer, ParamReader, CancellationToken, IAsyncEnumerable<MsgMap>>? open)
    {
        Name = name;
        Class = methodClass;
        Capability = capability;
        Description = description;
        Parameters = parameters;
        ResultType = resultType;
        _invoke = invoke;
        _open = open;
    }

    /// <summary>The wire method name, e.g. <c>display.capture</c>.</summary>
    public string Name { get; }

    /// <summary>Observation or action (spec §21).</summary>
    public MethodClass Class { get; }

    /// <summary>Whether a client replays the call once after a reconnect (spec §19.3).</summary>
    public bool Idempotent { get; init; }

    /// <summary>The capability reported when the backend cannot perform it; null for the system methods every server serves.</summary>
    public string? Capability { get; }

    /// <summary>A stream method (spec §11): items, then an end.</summary>
    public bool Stream { get; init; }

    /// <summary>For the doc-only names a server accepts (spec §25), the canonical method's name.</summary>
    public string? AliasOf { get; init; }

    /// <summary>An action whose effect cannot be undone by another call: deleting, closing, killing, running commands.</summary>
    public bool Destructive { get; init; }

    /// <summary>What the method does, in one sentence.</summary>
    public string Description { get; }

    /// <summary>Its params, in the spec's order.</summary>
    public IReadOnlyList<MethodParameter> Parameters { get; }

    /// <summary>The .NET type of its result (or of each stream item); null when it returns nothing.</summary>
    public Type? ResultType { get; }

    /// <summary>
    /// The <c>params</c> map for a call, from values given in the order of <see cref="Parameters"/>. Every spec key is
    /// written (nil for an unset optional, as upstream clients do); an <see cref="MethodParameter.Extension"/> key only
    /// when it is set.
    /// </summary>
    public MsgMap Arguments(params ReadOnlySpan<object?> values)
    {
        if (values.Length > Parameters.Count)
        {
            throw new ArgumentException($"{Name} takes {Parameters.Count} params, got {values.Length} values", nameof(values));
        }

        var map = new MsgMap(Parameters.Count);
        for (var i = 0; i < Parameters.Count; i++)
        {
            var parameter = Parameters[i];
            var value = i < values.Length ? values[i] : parameter.Default;
            if (parameter.Extension && (value is null || Equals(value, parameter.Default)))
            {
                continue;
            }

            map[parameter.Name] = value switch
            {
                int number => (long)number,
                IReadOnlyList<string> strings when value is not string => Wire.Strings(strings),
                _ => value,
            };
        }

        return map;
    }

    /// <summary>Runs the method against <paramref name="computer"/> with wire params; the result is its wire map.</summary>
    internal ValueTask<MsgMap?> InvokeAsync(IComputer computer, MsgMap parameters, CancellationToken cancellationToken) =>
        _invoke is null
            ? throw new InvalidOperationException($"{Name} is a stream method")
            : _invoke(computer, new ParamReader(parameters), cancellationToken);

    /// <summary>Opens the stream method against <paramref name="computer"/>; each item is a wire map.</summary>
    internal IAsyncEnumerable<MsgMap> OpenAsync(IComputer computer, MsgMap parameters, CancellationToken cancellationToken) =>
        _open is null
            ? throw new InvalidOperationException($"{Name} is not a stream method")
            : _open(computer, new ParamReader(parameters), cancellationToken);
}
