using OpenDesk.Session;
namespace OpenDesk.Trust;

/// <summary>This machine's static X25519 key pair, kept in <c>identity.key</c> (spec §3.2).</summary>
public sealed class Identity
{
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;

    private Identity(byte[] privateKey)
    {
        _privateKey = privateKey;
        _publicKey = X25519.PublicKeyFromPrivate(privateKey);
        PublicKeyHex = Convert.ToHexStringLower(_publicKey);
        Fingerprint = Trust.Fingerprint.Colon(PublicKeyHex);
    }

    /// <summary>The raw 32-byte public key (a copy).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The public key as 64 lowercase hex characters, the form the trust store uses.</summary>
    public string PublicKeyHex { get; }

    /// <summary>The colon fingerprint, e.g. <c>9c2f:1abc:b3d4:8870</c>.</summary>
    public string Fingerprint { get; }

    internal ReadOnlySpan<byte> PrivateKey => _privateKey;

    /// <summary>
    /// Loads <c>identity.key</c>, creating it with a fresh key on first use. When several processes start at
    /// once, exactly one file wins and every process ends up with that key.
    /// </summary>
    /// <exception cref="OpenDeskException">The file exists but does not hold exactly 32 bytes.</exception>
    public static Identity LoadOrCreate(OpenDeskHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        var path = home.IdentityKeyPath;
        if (TryLoad(path) is { } existing)
        {
            return existing;
        }

        // .NET's File.Move without overwrite checks and then renames, so it cannot arbitrate between two
        // creators; a lock around check-and-create does.
        var lockPath = path + ".lock";
        Identity identity;
        using (var creation = AcquireCreationLock(lockPath))
        {
            if (TryLoad(path) is { } raced)
            {
                identity = raced;
            }
            else
            {
                // A creator killed between writing its temporary file and renaming it left a private key lying
                // in the home; every creator holds this lock, so none of the temporary files is in use.
                AtomicFile.RemoveAbandonedTemps(path);
                var privateKey = X25519.GeneratePrivateKey();
                AtomicFile.Replace(path, privateKey, AtomicFile.OwnerOnly);
                identity = new Identity(privateKey);
            }
        }

        // Deleting a lock file is normally unsafe (a waiter can end up locking an orphaned inode), but the key
        // is in place by now, so every later holder of any incarnation of the lock only reads it.
        try
        {
            File.Delete(lockPath);
        }
        catch (IOException)
        {
            // Another process has it open on Windows; it will find the key and delete the file itself.
        }

        return identity;
    }

    /// <summary>An identity over a raw private scalar, as stored in <c>identity.key</c>.</summary>
    internal static Identity FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != X25519.KeySize)
        {
            throw new OpenDeskException("identity key must be 32 bytes");
        }

        return new Identity(privateKey.ToArray());
    }

    /// <summary>X25519 of this identity's private key and <paramref name="peerPublicKey"/>.</summary>
    /// <exception cref="HandshakeException">The peer key is a low-order point (reason <c>protocol</c>).</exception>
    public byte[] SharedSecret(ReadOnlySpan<byte> peerPublicKey) => X25519.SharedSecret(_privateKey, peerPublicKey);

    private static FileLock AcquireCreationLock(string lockPath)
    {
        try
        {
            return FileLock.Acquire(lockPath, TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException e)
        {
            throw new OpenDeskException($"could not create the identity key: {e.Message}", e);
        }
    }

    private static Identity? TryLoad(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        return FromPrivateKey(bytes);
    }
}
