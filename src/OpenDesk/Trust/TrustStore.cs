using System.Text;
using System.Text.Json;
using OpenDesk.Session;

namespace OpenDesk.Trust;

/// <summary>
/// The trust store, <c>&lt;home&gt;/trusted-peers.json</c> (spec §4.1), and the <c>default-peer</c> file that
/// points into it (§4.2).
/// </summary>
/// <remarks>
/// Every query re-reads the file, so a pairing made by another process (the CLI next to a running daemon)
/// takes effect at once. Every change is a read-modify-write under an exclusive lock file followed by an
/// atomic replace, so concurrent writers in any process never lose each other's updates. A file that does
/// not parse is reported and never overwritten.
/// </remarks>
public sealed class TrustStore
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly OpenDeskHome _home;
    private readonly TimeProvider _time;

    /// <param name="home">The home directory holding <c>trusted-peers.json</c> and <c>default-peer</c>.</param>
    /// <param name="time">Clock for <see cref="TrustedPeer.PairedAt"/> of new entries; the system clock by default.</param>
    public TrustStore(OpenDeskHome home, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(home);
        _home = home;
        _time = time ?? TimeProvider.System;
    }

    public string FilePath => _home.TrustedPeersPath;

    private string LockPath => FilePath + ".lock";

    /// <summary>All valid entries in file order.</summary>
    /// <exception cref="TrustStoreException">The file is corrupt or unreadable.</exception>
    public IReadOnlyList<TrustedPeer> List() => Read();

    public TrustedPeer? FindByKey(ReadOnlySpan<byte> publicKey) => FindByKey(Convert.ToHexStringLower(publicKey));

    public TrustedPeer? FindByKey(string publicKeyHex)
    {
        ArgumentNullException.ThrowIfNull(publicKeyHex);
        return Read().FirstOrDefault(p => KeyEquals(p, publicKeyHex));
    }

    public TrustedPeer? FindByName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Read().FirstOrDefault(p => p.Name == name);
    }

    /// <summary>
    /// Whether the server's auth handshake may accept this client key: an entry with role
    /// <c>controller</c>, or a legacy entry (no role), which counts as both directions.
    /// </summary>
    public bool IsTrustedController(ReadOnlySpan<byte> publicKey)
    {
        var hex = Convert.ToHexStringLower(publicKey);
        return Read().Any(p => p.PublicKey == hex && p.Role is PeerRole.Controller or PeerRole.Legacy);
    }

    /// <summary>
    /// Adds a peer, or updates the existing entry for the key in place. An existing entry keeps its position
    /// and <c>paired_at</c>; its name and role change only when the new values are non-empty. A new entry is
    /// appended, stamped now, and named <c>peer-xxxxxx</c> when <paramref name="name"/> is empty.
    /// </summary>
    /// <returns>The entry as stored.</returns>
    public TrustedPeer Add(ReadOnlySpan<byte> publicKey, string name, string role)
    {
        if (publicKey.Length != X25519.KeySize)
        {
            throw new ArgumentException($"public key must be {X25519.KeySize} bytes, got {publicKey.Length}", nameof(publicKey));
        }

        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(role);
        if (!PeerRole.IsKnown(role))
        {
            throw new ArgumentException($"unknown peer role '{role}'", nameof(role));
        }

        var hex = Convert.ToHexStringLower(publicKey);
        TrustedPeer? stored = null;
        Update(peers =>
        {
            var index = peers.FindIndex(p => p.PublicKey == hex);
            if (index < 0)
            {
                stored = new TrustedPeer
                {
                    PublicKey = hex,
                    Name = name.Length > 0 ? name : Trust.Fingerprint.DefaultName(hex),
                    Role = role,
                    PairedAt = _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0,
                };
                peers.Add(stored);
                return true;
            }

            var existing = peers[index];
            stored = existing with
            {
                Name = name.Length > 0 ? name : existing.Name,
                Role = role.Length > 0 ? role : existing.Role,
            };
            peers[index] = stored;
            return stored != existing;
        });
        return stored!;
    }

    /// <summary>
    /// Removes every entry whose name or hex key equals <paramref name="nameOrKey"/>, and the
    /// <c>default-peer</c> file when it named one of them.
    /// </summary>
    /// <returns>Whether anything was removed.</returns>
    public bool Remove(string nameOrKey)
    {
        ArgumentNullException.ThrowIfNull(nameOrKey);
        var removed = false;
        Update(peers =>
        {
            var removedNames = peers.Where(p => Matches(p, nameOrKey)).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            removed = peers.RemoveAll(p => Matches(p, nameOrKey)) > 0;
            if (removed && ReadDefaultPeerName() is { } defaultName && removedNames.Contains(defaultName))
            {
                File.Delete(_home.DefaultPeerPath);
            }

            return removed;
        });
        return removed;
    }

    /// <summary>
    /// Renames every entry whose name or hex key equals <paramref name="nameOrKey"/>. Unlike upstream, the
    /// cached description, override and endpoint are kept (spec §4.1 quirk not copied).
    /// </summary>
    /// <returns>Whether anything matched.</returns>
    public bool Rename(string nameOrKey, string newName)
    {
        ArgumentNullException.ThrowIfNull(nameOrKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(newName);
        return UpdateWhere(p => Matches(p, nameOrKey), p => p with { Name = newName });
    }

    /// <summary>
    /// Caches the description a peer broadcast in its HELLO. An empty text is ignored, so a server that clears
    /// its description never erases the controller's cached copy.
    /// </summary>
    /// <returns>Whether an entry with the key exists and <paramref name="text"/> was non-empty.</returns>
    public bool CacheDescription(ReadOnlySpan<byte> publicKey, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return false;
        }

        var hex = Convert.ToHexStringLower(publicKey);
        return UpdateWhere(p => p.PublicKey == hex, p => p with { Description = text });
    }

    /// <summary>Caches where a peer was last reached.</summary>
    /// <returns>Whether an entry with the key exists.</returns>
    public bool CacheEndpoint(ReadOnlySpan<byte> publicKey, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var hex = Convert.ToHexStringLower(publicKey);
        return UpdateWhere(p => p.PublicKey == hex, p => p with { LastHost = host, LastPort = port });
    }

    /// <summary>Sets the local description label of the entries named <paramref name="name"/>; empty clears it.</summary>
    /// <returns>Whether an entry with that name exists.</returns>
    public bool SetDescriptionOverride(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        return UpdateWhere(p => p.Name == name, p => p with { DescriptionOverride = text });
    }

    /// <returns>Whether an entry with that name exists.</returns>
    public bool ClearDescriptionOverride(string name) => SetDescriptionOverride(name, "");

    /// <summary>The persistent default peer, or <c>null</c> when unset, empty or no longer in the store.</summary>
    public string? GetDefaultPeer()
    {
        var name = ReadDefaultPeerName();
        return name is not null && FindByName(name) is not null ? name : null;
    }

    /// <summary>Makes <paramref name="name"/> the default peer.</summary>
    /// <returns><c>false</c>, and nothing written, when no entry has that name.</returns>
    public bool SetDefaultPeer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Under the store's lock so a concurrent Remove cannot delete the peer between the check and the write.
        using var fileLock = AcquireLock();
        AtomicFile.RemoveAbandonedTemps(_home.DefaultPeerPath);
        if (!Read().Any(p => p.Name == name))
        {
            return false;
        }

        AtomicFile.Replace(_home.DefaultPeerPath, Encoding.UTF8.GetBytes(name + "\n"), createMode: null);
        return true;
    }

    /// <returns>Whether a <c>default-peer</c> file existed.</returns>
    public bool ClearDefaultPeer()
    {
        var path = _home.DefaultPeerPath;
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    private string? ReadDefaultPeerName()
    {
        string text;
        try
        {
            text = File.ReadAllText(_home.DefaultPeerPath, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        text = text.Trim();
        return text.Length > 0 ? text : null;
    }

    private static bool KeyEquals(TrustedPeer peer, string hex) => string.Equals(peer.PublicKey, hex, StringComparison.OrdinalIgnoreCase);

    private static bool Matches(TrustedPeer peer, string nameOrKey) =>
        nameOrKey.Length > 0 && (peer.Name == nameOrKey || KeyEquals(peer, nameOrKey));

    private bool UpdateWhere(Func<TrustedPeer, bool> predicate, Func<TrustedPeer, TrustedPeer> change)
    {
        var found = false;
        Update(peers =>
        {
            var changed = false;
            for (int i = 0; i < peers.Count; i++)
            {
                if (predicate(peers[i]))
                {
                    found = true;
                    var updated = change(peers[i]);
                    changed |= updated != peers[i];
                    peers[i] = updated;
                }
            }

            return changed;
        });
        return found;
    }

    /// <summary>Read-modify-write under the lock; <paramref name="mutate"/> returns whether to write.</summary>
    private void Update(Func<List<TrustedPeer>, bool> mutate)
    {
        using var fileLock = AcquireLock();

        // Every writer of these two files holds this lock, so any temporary file of theirs seen now was left by
        // a writer that died mid-write (killed, power lost) and would otherwise pile up for good.
        AtomicFile.RemoveAbandonedTemps(FilePath);
        AtomicFile.RemoveAbandonedTemps(_home.DefaultPeerPath);
        var peers = Read();
        if (mutate(peers))
        {
            AtomicFile.Replace(FilePath, TrustedPeersJson.Serialize(peers), AtomicFile.OwnerOnly);
        }
    }

    private FileLock AcquireLock()
    {
        try
        {
            return FileLock.Acquire(LockPath, LockTimeout);
        }
        catch (TimeoutException e)
        {
            throw new TrustStoreException($"trusted-peers.json at {FilePath} is locked by another writer: {e.Message}", e);
        }
    }

    private List<TrustedPeer> Read()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrustStoreException($"trusted-peers.json at {FilePath} could not be read: {e.Message}", e);
        }

        // An empty file holds nothing to protect, so it reads as an empty store rather than as corrupt.
        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return [];
        }

        try
        {
            return TrustedPeersJson.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new TrustStoreException(
                $"trusted-peers.json at {FilePath} is corrupt: {e.Message.TrimEnd('.', ' ')}. Fix or move it away; it was not modified.", e);
        }
    }
}
