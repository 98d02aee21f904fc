using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OpenDesk.Session.Pake;

/// <summary>
/// The libsodium ristretto255 functions CPace needs, which NSec does not expose. They are imported under the
/// same library name NSec imports (<c>libsodium</c>), so the runtime resolves both through the app's
/// <c>deps.json</c> to one native library from the <c>libsodium</c> NuGet package: <c>runtimes/{rid}/native</c>
/// under a portable build's output, beside the app after a RID-specific publish. The app's copy is probed before
/// any system directory, so a distribution's older libsodium is not mixed in.
/// </summary>
/// <remarks>
/// Every wrapper checks its buffer lengths because the native functions read and write fixed sizes through
/// raw pointers; a short span would otherwise be a buffer overrun.
/// </remarks>
internal static partial class LibSodium
{
    public const int RistrettoElementSize = 32;
    public const int RistrettoHashSize = 64;
    public const int RistrettoScalarSize = 32;
    public const int RistrettoWideScalarSize = 64;

    private const string Library = "libsodium";

    private static readonly Lazy<Exception?> InitializationFailure = new(Initialize);

    /// <summary>Loads and initialises libsodium once; throws a readable error when it is missing or too old.</summary>
    public static void EnsureInitialized()
    {
        if (InitializationFailure.Value is { } failure)
        {
            throw new InvalidOperationException($"libsodium is not usable for CPace: {failure.Message}", failure);
        }
    }

    /// <summary>RFC 9496 element derivation: 64 uniform bytes to an encoded ristretto255 element.</summary>
    public static byte[] RistrettoFromHash(ReadOnlySpan<byte> uniformBytes)
    {
        RequireLength(uniformBytes, RistrettoHashSize, nameof(uniformBytes));
        EnsureInitialized();
        var element = new byte[RistrettoElementSize];
        _ = CoreRistrettoFromHash(element, uniformBytes);
        return element;
    }

    /// <summary>
    /// <paramref name="result"/> = encode(scalar · decode(element)). False when the element does not decode or the
    /// product is the identity; libsodium clears bit 255 of the scalar, so callers pass scalars below 2^255.
    /// </summary>
    public static bool RistrettoScalarMult(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> element, Span<byte> result)
    {
        RequireLength(scalar, RistrettoScalarSize, nameof(scalar));
        RequireLength(element, RistrettoElementSize, nameof(element));
        if (result.Length != RistrettoElementSize)
        {
            throw new ArgumentException($"result must be {RistrettoElementSize} bytes, got {result.Length}", nameof(result));
        }

        EnsureInitialized();
        return ScalarMultRistretto(result, scalar, element) == 0;
    }

    /// <summary>True for a canonical encoding of a ristretto255 element (the identity included).</summary>
    public static bool RistrettoIsValidPoint(ReadOnlySpan<byte> element)
    {
        RequireLength(element, RistrettoElementSize, nameof(element));
        EnsureInitialized();
        return CoreRistrettoIsValidPoint(element) == 1;
    }

    /// <summary>A uniformly random scalar in [1, L-1], L the group order.</summary>
    public static byte[] RistrettoScalarRandom()
    {
        EnsureInitialized();
        var scalar = new byte[RistrettoScalarSize];
        CoreRistrettoScalarRandom(scalar);
        return scalar;
    }

    /// <summary>A 64-byte little-endian integer reduced modulo L.</summary>
    public static byte[] RistrettoScalarReduce(ReadOnlySpan<byte> wide)
    {
        RequireLength(wide, RistrettoWideScalarSize, nameof(wide));
        EnsureInitialized();
        var scalar = new byte[RistrettoScalarSize];
        CoreRistrettoScalarReduce(scalar, wide);
        return scalar;
    }

    private static Exception? Initialize()
    {
        try
        {
            if (SodiumInit() < 0)
            {
                return new InvalidOperationException("sodium_init failed");
            }

            // A library built without the ristretto255 API (a "minimal" build) fails here, once, not mid-handshake.
            return CoreRistrettoBytes() == RistrettoElementSize && CoreRistrettoHashBytes() == RistrettoHashSize
                ? null
                : new InvalidOperationException("unexpected ristretto255 sizes");
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return ex;
        }
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"{name} must be {length} bytes, got {value.Length}", name);
        }
    }

    [LibraryImport(Library, EntryPoint = "sodium_init")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int SodiumInit();

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_bytes")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial nuint CoreRistrettoBytes();

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_hashbytes")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial nuint CoreRistrettoHashBytes();

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_from_hash")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int CoreRistrettoFromHash(Span<byte> p, ReadOnlySpan<byte> r);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_is_valid_point")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int CoreRistrettoIsValidPoint(ReadOnlySpan<byte> p);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_random")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial void CoreRistrettoScalarRandom(Span<byte> r);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_reduce")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial void CoreRistrettoScalarReduce(Span<byte> r, ReadOnlySpan<byte> s);

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult_ristretto255")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int ScalarMultRistretto(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p);
}
