using System.Diagnostics;
using System.Runtime.InteropServices;
using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Discovery;

/// <summary>
/// A throwaway Linux network namespace with only a multicast-enabled loopback, deleted on dispose. Code runs inside it
/// on a dedicated thread that joins the namespace with setns(2); sockets keep the namespace they were created in, so
/// anything that opens its sockets synchronously (as the mDNS advertiser and browser do) stays inside it.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    /// <summary>The iproute2 binary, or null when it is not installed.</summary>
    public static readonly string? IpTool = new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);
    private static readonly Lazy<string?> Unavailable = new(Probe);

    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    /// <summary>Why namespaces cannot be used here, or null when they can.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    public static NetworkNamespace Create()
    {
        string name = "odtest" + Random.Shared.Next(100_000, 1_000_000);
        Ip("netns", "add", name);
        var ns = new NetworkNamespace(name);
        try
        {
            Ip("-n", name, "link", "set", "lo", "up");
            Ip("-n", name, "link", "set", "lo", "multicast", "on");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> on a thread inside the namespace and returns its result.</summary>
    public T RunInside<T>(Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{Name}");
                if (SetNs(handle.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns into {Name} failed: errno {Marshal.GetLastPInvokeError()}");
                }

                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException($"running inside network namespace {Name} failed", failure);
    }

    public void Dispose() => Ip("netns", "delete", Name);

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces are Linux only";
        }

        if (PeerCredentials.EffectiveUserId != 0)
        {
            return "creating a network namespace needs root";
        }

        if (IpTool is null)
        {
            return "needs the ip tool (iproute2)";
        }

        try
        {
            Create().Dispose();
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"cannot create a network namespace here: {e.Message}";
        }
    }

    private static void Ip(params string[] arguments)
    {
        var start = new ProcessStartInfo(IpTool ?? "ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ip");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill();
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} did not finish within {CommandTimeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result.Trim()}");
        }
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
