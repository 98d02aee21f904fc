namespace OpenDesk;

/// <summary>The closed set of wire error codes (spec §14.1).</summary>
public static class ErrorCodes
{
    public const string CapabilityUnsupported = "capability_unsupported";
    public const string PermissionDenied = "permission_denied";
    public const string InvalidArgument = "invalid_argument";
    public const string NotFound = "not_found";
    public const string Timeout = "timeout";
    public const string Cancelled = "cancelled";
    public const string Internal = "internal";
    public const string Protocol = "protocol";
    public const string Busy = "busy";
}
