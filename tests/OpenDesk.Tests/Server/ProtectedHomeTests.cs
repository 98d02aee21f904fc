using OpenDesk.Protocol;
using OpenDesk.Server.Policy;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Server;

/// <summary>
/// Which <c>fs.*</c> calls reach into the opendesk home, on real files and links: every spelling the kernel
/// resolves to the home counts, a neighbour that merely shares its name's prefix does not.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProtectedHomeTests : IDisposable
{
    private const string Why = ", which holds this desk's private key and trust store";

    private readonly string _root = Directory.CreateTempSubdirectory("od-protect-").FullName;
    private readonly string _user;
    private readonly string _home;
    private readonly ProtectedHome _guard;

    public ProtectedHomeTests()
    {
        _user = Path.Combine(_root, "user");
        _home = Path.Combine(_user, ".opendesk");
        var home = new OpenDeskHome(_home);
        Identity.LoadOrCreate(home);
        new TrustStore(home).Add(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), "laptop", PeerRole.Controller);
        Directory.CreateDirectory(Path.Combine(_user, "docs"));
        File.WriteAllText(Path.Combine(_user, "docs", "notes.txt"), "notes");
        Directory.CreateDirectory(Path.Combine(_user, ".opendesk-old"));
        File.WriteAllText(Path.Combine(_user, ".opendesk-old", "identity.key"), "not this desk's");
        _guard = new ProtectedHome(_home);
    }

    [Fact]
    public void Reading_examining_or_listing_anything_in_the_home_or_the_home_itself_is_a_concern()
    {
        var key = Path.Combine(_home, "identity.key");
        Assert.Equal("inside the opendesk home" + Why, Concern("fs.read", key));
        Assert.Equal("inside the opendesk home" + Why, Concern("fs.stat", Path.Combine(_home, "trusted-peers.json")));
        Assert.Equal("inside the opendesk home" + Why, Concern("fs.read", Path.Combine(_home, "audit", "2024-01-01.jsonl")));
        Assert.Equal("the opendesk home" + Why, Concern("fs.list", _home));
        Assert.Equal("the opendesk home" + Why, Concern("fs.stat", _home + "/"));
        Assert.Equal("inside the opendesk home" + Why, Concern("fs.list", Path.Combine(_home, "audit")));
    }

    [Fact]
    public void The_homes_parent_and_its_neighbours_are_no_concern()
    {
        Assert.Null(Concern("fs.list", _user));
        Assert.Null(Concern("fs.stat", _user));
        Assert.Null(Concern("fs.read", Path.Combine(_user, "docs", "notes.txt")));
        Assert.Null(Concern("fs.read", Path.Combine(_user, ".opendesk-old", "identity.key")));
        Assert.Null(Concern("fs.list", "/"));
        Assert.Null(Concern("fs.write", Path.Combine(_user, "docs", "new.txt")));
        Assert.Null(Concern("process.shell", _home));
    }

    [Fact]
    public void Dot_dot_relative_and_proc_spellings_resolve_to_the_home()
    {
        var key = Path.Combine(_home, "identity.key");
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", Path.Combine(_user, "docs", "..", ".opendesk", "identity.key")));
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", Path.Combine(_home, ".", "identity.key")));
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", "/proc/self/root" + key));
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", $"/proc/{Environment.ProcessId}/root/../../.." + key));
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", Path.GetRelativePath(Environment.CurrentDirectory, key)));
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", "//" + key.TrimStart('/').Replace("/", "//", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_open_file_of_the_home_reached_through_proc_self_fd_is_a_concern()
    {
        var peers = Path.Combine(_home, "trusted-peers.json");
        using var handle = File.OpenHandle(peers);
        var fd = handle.DangerousGetHandle().ToInt32();

        Assert.Equal($"resolves to {peers}, inside the opendesk home" + Why, Concern("fs.read", $"/proc/self/fd/{fd}"));
        Assert.Equal($"resolves to {peers}, inside the opendesk home" + Why, Concern("fs.read", $"/dev/fd/{fd}"));
    }

    [Fact]
    public void Symlinks_are_followed_where_the_backend_follows_them()
    {
        var key = Path.Combine(_home, "identity.key");
        var toHome = Path.Combine(_root, "innocent");
        File.CreateSymbolicLink(toHome, _home);
        var toKey = Path.Combine(_root, "key.txt");
        File.CreateSymbolicLink(toKey, "user/.opendesk/identity.key");
        var toDocs = Path.Combine(_root, "docs");
        File.CreateSymbolicLink(toDocs, Path.Combine(_user, "docs"));

        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", Path.Combine(toHome, "identity.key")));
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", toKey));
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.write", toKey));
        Assert.Equal($"resolves to {_home}, the opendesk home" + Why, Concern("fs.list", toHome));

        // The kernel applies ".." to where the link led (user/docs), not to the link's own directory: a lexical
        // fold would make this _root/.opendesk/identity.key and miss the key.
        Assert.Equal($"resolves to {key}, inside the opendesk home" + Why, Concern("fs.read", Path.Combine(toDocs, "..", ".opendesk", "identity.key")));

        // Deleting a link removes the link, never what it points to.
        Assert.Null(Concern("fs.delete", toKey));
        Assert.Null(Concern("fs.delete", toHome));
    }

    [Fact]
    public void Deleting_or_moving_the_home_or_a_directory_holding_it_is_a_concern()
    {
        Assert.Equal("contains the opendesk home" + Why, Concern("fs.delete", _user));
        Assert.Equal("the opendesk home" + Why, Concern("fs.delete", _home));
        Assert.Equal("inside the opendesk home" + Why, Concern("fs.delete", Path.Combine(_home, "trusted-peers.json")));
        Assert.Equal("inside the opendesk home" + Why, Concern("fs.mkdir", Path.Combine(_home, "new")));
        Assert.Null(Concern("fs.delete", Path.Combine(_user, "docs")));

        Assert.Equal("the source is inside the opendesk home" + Why, Move(Path.Combine(_home, "identity.key"), Path.Combine(_root, "stolen")));
        Assert.Equal("the source contains the opendesk home" + Why, Move(_user, Path.Combine(_root, "elsewhere")));
        Assert.Equal("the destination is inside the opendesk home" + Why, Move(Path.Combine(_user, "docs", "notes.txt"), Path.Combine(_home, "trusted-peers.json")));
        Assert.Equal("the destination is the opendesk home" + Why, Move(Path.Combine(_user, "docs", "notes.txt"), _home));
        Assert.Equal(
            "the source is inside the opendesk home and the destination is inside the opendesk home" + Why,
            Move(Path.Combine(_home, "identity.key"), Path.Combine(_home, "identity.old")));
        Assert.Null(Move(Path.Combine(_user, "docs", "notes.txt"), Path.Combine(_user, "docs", "notes.old")));

        // Moving a directory named .opendesk into the user's directory would land on the home itself.
        var impostor = Path.Combine(_root, "staging", ".opendesk");
        Directory.CreateDirectory(impostor);
        Assert.Equal($"the destination resolves to {_home}, the opendesk home" + Why, Move(impostor, _user));
    }

    [Fact]
    public void Summaries_of_ordinary_paths_keep_the_spec_wording_and_home_paths_say_why()
    {
        var notes = Path.Combine(_user, "docs", "notes.txt");
        Assert.Equal(new CallDescription($"read file: {notes}", false), CallSummary.Describe("fs.read", Params(("path", notes)), _guard));
        Assert.Equal(new CallDescription("fs.list", false), CallSummary.Describe("fs.list", Params(("path", _user)), _guard));
        Assert.Equal(new CallDescription($"move {notes} → /tmp/x", false), CallSummary.Describe("fs.move", Params(("src", notes), ("dst", "/tmp/x")), _guard));

        var key = Path.Combine(_home, "identity.key");
        Assert.Equal(
            new CallDescription($"read file: {key} (inside the opendesk home, which holds this desk's private key and trust store)", true),
            CallSummary.Describe("fs.read", Params(("path", key)), _guard));
        Assert.Equal(
            new CallDescription($"list {_home} (the opendesk home, which holds this desk's private key and trust store)", true),
            CallSummary.Describe("fs.list", Params(("path", _home)), _guard));
        Assert.Equal(
            new CallDescription($"move {key} → /tmp/x (the source is inside the opendesk home, which holds this desk's private key and trust store)", true),
            CallSummary.Describe("fs.move", Params(("src", key), ("dst", "/tmp/x")), _guard));
    }

    [Fact]
    public void Paths_the_backend_refuses_and_link_loops_are_no_concern_and_no_crash()
    {
        var loop = Path.Combine(_root, "loop");
        File.CreateSymbolicLink(loop, Path.Combine(_root, "loop2"));
        File.CreateSymbolicLink(Path.Combine(_root, "loop2"), loop);

        Assert.Null(Concern("fs.read", Path.Combine(loop, "x")));
        Assert.Null(Concern("fs.read", ""));
        Assert.Null(Concern("fs.read", _home + "\0/identity.key"));
        Assert.Null(_guard.Concern("fs.read", new MsgMap(1) { ["path"] = 42L }));
        Assert.Null(_guard.Concern("fs.read", new MsgMap(0)));
        Assert.Null(_guard.Concern("fs.move", new MsgMap(1) { ["dst"] = null }));
    }

    [Fact]
    public void A_home_reached_through_a_link_is_protected_under_its_real_name_too()
    {
        var alias = Path.Combine(_root, "alias-home");
        File.CreateSymbolicLink(alias, _home);
        var guard = new ProtectedHome(alias);

        Assert.Equal("inside the opendesk home" + Why, guard.Concern("fs.read", Params(("path", Path.Combine(_home, "identity.key")))));
        Assert.Equal($"resolves to {Path.Combine(_home, "identity.key")}, inside the opendesk home" + Why, guard.Concern("fs.read", Params(("path", Path.Combine(alias, "identity.key")))));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static MsgMap Params(params (string Key, object? Value)[] entries)
    {
        var map = new MsgMap(entries.Length);
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return map;
    }

    private string? Concern(string method, string path) => _guard.Concern(method, Params(("path", path)));

    private string? Move(string source, string destination) => _guard.Concern("fs.move", Params(("src", source), ("dst", destination)));
}
