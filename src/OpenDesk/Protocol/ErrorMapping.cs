namespace OpenDesk.Protocol;

/// <summary>Exceptions to wire errors on the callee (spec §14.2) and back on the caller (spec §14.1).</summary>
public static class ErrorMapping
{
    public const string CancelledMessage = "cancelled";

    public static ErrorInfo ToErrorInfo(Exception exception) => exception switch
    {
        OperationCanceledException => new ErrorInfo(ErrorCodes.Cancelled, CancelledMessage),
        ProtocolException p => new ErrorInfo(p.Code, p.Detail, ToMap(p.Details)),
        NotFoundException or FileNotFoundException or DirectoryNotFoundException => new ErrorInfo(ErrorCodes.NotFound, exception.Message),
        ArgumentException or FormatException => new ErrorInfo(ErrorCodes.InvalidArgument, exception.Message),
        TimeoutException => new ErrorInfo(ErrorCodes.Timeout, exception.Message),
        _ => new ErrorInfo(ErrorCodes.Internal, exception.Message.Length > 0 ? exception.Message : exception.GetType().Name),
    };

    public static Exception ToException(ErrorInfo error)
    {
        switch (error.Code)
        {
            case ErrorCodes.Cancelled:
                return new OperationCanceledException(error.Message);
            case ErrorCodes.CapabilityUnsupported:
                var capability = error.Details.TryGetValue("capability", out var c) && c is string cs && Capabilities.IsKnown(cs) ? cs : Capabilities.DisplayCapture;
                var backend = error.Details.TryGetValue("backend", out var b) && b is string bs ? bs : "remote";
                return new CapabilityUnsupportedException(capability, backend, error.Message, error.Details);
            case ErrorCodes.PermissionDenied:
                return new PermissionDeniedException(error.Message, error.Details);
            case ErrorCodes.Busy:
                return new BusyException(error.Message, error.Details);
            default:
                return new ProtocolException(error.Code, error.Message, error.Details);
        }
    }

    /// <summary>The standard error for a method the server or its backend cannot perform.</summary>
    public static CapabilityUnsupportedException Unsupported(string capability, string? backend)
    {
        var backendText = string.IsNullOrEmpty(backend) ? "<unknown>" : backend;
        var details = new MsgMap { ["capability"] = capability, ["backend"] = backend ?? "" };
        return new CapabilityUnsupportedException(capability, backend ?? "", $"Capability '{capability}' is not supported by backend {backendText}.", details);
    }

    private static MsgMap ToMap(IReadOnlyDictionary<string, object?> details)
    {
        if (details is MsgMap map)
        {
            return map;
        }

        var result = new MsgMap(details.Count);
        foreach (var (key, value) in details)
        {
            result.Add(key, value);
        }

        return result;
    }
}
