using OpenDesk.Protocol;
using OpenDesk.Session;

namespace OpenDesk.Computer;

/// <summary>
/// Wire method ⇄ <see cref="IComputer"/> (spec §16) by the method table: the row decodes the params (a bad or
/// missing one is <c>invalid_argument</c>), calls the computer and encodes the result map. Unknown methods answer
/// <c>capability_unsupported</c> exactly as upstream words it (spec §14.2).
/// </summary>
public sealed class ComputerDispatcher : IRequestDispatcher
{
    private readonly IComputer _computer;

    public ComputerDispatcher(IComputer computer)
    {
        ArgumentNullException.ThrowIfNull(computer);
        _computer = computer;
    }

    public ValueTask<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken)
    {
        if (Methods.Find(method) is not { Stream: false } descriptor)
        {
            var capability = method.StartsWith("ui.", StringComparison.Ordinal) ? Capabilities.UiTree : Capabilities.DisplayCapture;
            throw ErrorMapping.Unsupported(capability, $"server (unknown method '{method}')");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return descriptor.InvokeAsync(_computer, parameters, cancellationToken);
    }

    public IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap parameters, CancellationToken cancellationToken) =>
        Methods.Find(method) is { Stream: true } descriptor
            ? descriptor.OpenAsync(_computer, parameters, cancellationToken)
            : throw ErrorMapping.Unsupported(Capabilities.DisplayStream, $"server (unknown stream '{method}')");
}
