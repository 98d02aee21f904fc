namespace OpenDesk.Tests.Discovery;

/// <summary>A fact that needs a fresh network namespace (Linux, root, iproute2); skipped with the reason otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    public NetworkNamespaceFactAttribute()
    {
        if (NetworkNamespace.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
