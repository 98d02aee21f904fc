using System.Runtime.CompilerServices;
using OpenDesk.Protocol;
using OpenDesk.Session;

namespace OpenDesk.Tests.Session;

/// <summary>
/// Methods for RPC tests: <c>echo</c> returns its params, <c>fail</c> raises a coded error, <c>hang</c> waits
/// for cancellation, <c>count</c> streams <c>n</c> items, <c>forever</c> streams until cancelled.
/// </summary>
internal sealed class TestDispatcher : IRequestDispatcher
{
    public TaskCompletionSource HandlerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource HandlerStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int ItemsProduced;

    public async ValueTask<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken)
    {
        switch (method)
        {
            case "echo":
                return parameters;
            case "fail":
                throw new ProtocolException(ErrorCodes.NotFound, "/nope");
            case "crash":
                throw new InvalidOperationException("handler exploded");
            case "nil":
                return null;
            case "hang":
                HandlerStarted.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    HandlerCancelled.TrySetResult();
                    throw;
                }

                return null;
            default:
                throw ErrorMapping.Unsupported(Capabilities.DisplayCapture, $"server (unknown method '{method}')");
        }
    }

    public async IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var limit = method == "count" ? (long)parameters["n"]! : long.MaxValue;
        try
        {
            for (long i = 0; i < limit; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Increment(ref ItemsProduced);
                yield return new MsgMap { ["i"] = i };
                if (method == "forever")
                {
                    await Task.Delay(1, cancellationToken);
                }
            }
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                HandlerCancelled.TrySetResult();
            }
        }
    }
}
