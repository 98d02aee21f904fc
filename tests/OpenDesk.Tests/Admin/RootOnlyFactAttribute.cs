using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Admin;

/// <summary>
/// A fact that needs root, because it creates a throwaway system user to connect as a different uid, plus the
/// tools it drives. xunit 2 has no runtime skip, so the decision is made when the attribute is constructed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootOnlyFactAttribute : FactAttribute
{
    internal static readonly string[] RequiredTools = ["/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/sbin/runuser", "/usr/bin/python3"];

    public RootOnlyFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "needs Linux (useradd, runuser, SO_PEERCRED)";
        }
        else if (PeerCredentials.EffectiveUserId != 0)
        {
            Skip = "needs root to create a throwaway user";
        }
        else if (RequiredTools.FirstOrDefault(tool => !File.Exists(tool)) is { } missing)
        {
            Skip = $"needs {missing}";
        }
    }
}
