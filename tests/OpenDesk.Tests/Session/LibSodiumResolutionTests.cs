using System.Runtime.InteropServices;
using OpenDesk.Session;
using OpenDesk.Session.Pake;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Session;

/// <summary>
/// CPace's imports must land in the libsodium NSec already uses, from the app's own runtimes, not in a second
/// copy or the distribution's older library (Debian 12 ships 1.0.18 as libsodium.so.23).
/// </summary>
public class LibSodiumResolutionTests
{
    [Fact]
    public void Cpace_and_nsec_resolve_the_same_native_library()
    {
        _ = X25519.PublicKeyFromPrivate(new byte[32]);
        _ = LibSodium.RistrettoScalarRandom();

        Assert.True(NativeLibrary.TryLoad("libsodium", typeof(LibSodium).Assembly, null, out var ours));
        Assert.True(NativeLibrary.TryLoad("libsodium", typeof(NSec.Cryptography.Key).Assembly, null, out var theirs));
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Exactly_one_libsodium_is_mapped_and_it_comes_from_the_app_directory()
    {
        if (!File.Exists("/proc/self/maps"))
        {
            // Only Linux exposes the mapped files; the handle comparison above covers the other platforms.
            return;
        }

        _ = X25519.PublicKeyFromPrivate(new byte[32]);
        _ = LibSodium.RistrettoScalarRandom();

        var mapped = File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].Contains("libsodium", StringComparison.Ordinal))
            .Select(fields => fields[5].Trim())
            .Distinct()
            .ToList();

        var path = Assert.Single(mapped);
        Assert.StartsWith(Path.GetFullPath(AppContext.BaseDirectory), Path.GetFullPath(path), StringComparison.Ordinal);
    }
}
