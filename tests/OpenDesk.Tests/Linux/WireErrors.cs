using OpenDesk.Protocol;

namespace OpenDesk.Tests.Linux;

/// <summary>
/// What a backend failure becomes on the wire. Backends throw BCL and opendesk exceptions and the server maps them
/// once (<see cref="ErrorMapping.ToErrorInfo"/>), so tests of a module check the mapped code and message.
/// </summary>
internal static class WireErrors
{
    public static ProtocolException Of(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return AsWire(e);
        }

        throw new Xunit.Sdk.XunitException("expected the call to fail, but it succeeded");
    }

    public static async Task<ProtocolException> OfAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            return AsWire(e);
        }

        throw new Xunit.Sdk.XunitException("expected the call to fail, but it succeeded");
    }

    private static ProtocolException AsWire(Exception exception)
    {
        Assert.False(exception.GetType() == typeof(ProtocolException), $"a backend threw a wire error directly: {exception.Message}");
        var error = ErrorMapping.ToErrorInfo(exception);
        return new ProtocolException(error.Code, error.Message, error.Details);
    }
}
