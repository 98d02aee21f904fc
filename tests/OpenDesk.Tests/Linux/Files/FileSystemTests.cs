using System.Text;
using OpenDesk.Linux.Files;

namespace OpenDesk.Tests.Linux.Files;

public sealed class FileSystemTests : IDisposable
{
    private const int RegularFile = 0x8000;
    private const int DirectoryType = 0x4000;

    private readonly FileSystem _fs = new();
    private readonly string _root = Directory.CreateTempSubdirectory("od-fs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Write_CreatesMissingParents_AndReadReturnsTheBytes()
    {
        var path = Path.Combine(_root, "a", "b", "c.bin");
        var data = new byte[] { 0, 1, 2, 0xff, 0xfe };

        await _fs.WriteFileAsync(path, data);

        Assert.Equal(data, await _fs.ReadFileAsync(path));
    }

    [Fact]
    public async Task Write_ReplacesAtomically_KeepingTheModeAndLeavingNoTempFile()
    {
        var path = Path.Combine(_root, "config");
        await File.WriteAllTextAsync(path, "old contents");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var before = new FileStream(path, FileMode.Open, FileAccess.Read);

        await _fs.WriteFileAsync(path, Encoding.UTF8.GetBytes("new"));

        // A reader that opened the old file still sees it whole: the new file was renamed in, not written in place.
        using var reader = new StreamReader(before);
        Assert.Equal("old contents", await reader.ReadToEndAsync());
        Assert.Equal("new", await File.ReadAllTextAsync(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["config"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Write_ThroughASymlinkReplacesTheTargetAndKeepsTheLink()
    {
        var target = Path.Combine(_root, "target.txt");
        var link = Path.Combine(_root, "link.txt");
        await File.WriteAllTextAsync(target, "before");
        File.CreateSymbolicLink(link, target);

        await _fs.WriteFileAsync(link, Encoding.UTF8.GetBytes("after"));

        Assert.Equal("after", await File.ReadAllTextAsync(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task Write_ToADirectoryIsInvalid()
    {
        var error = await WireErrors.OfAsync(() => _fs.WriteFileAsync(_root, [1]));

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
    }

    [Fact]
    public async Task Write_BelowARegularFileIsInternalWithTheOsReason()
    {
        var file = Path.Combine(_root, "plain");
        await File.WriteAllTextAsync(file, "x");

        var error = await WireErrors.OfAsync(() => _fs.WriteFileAsync(Path.Combine(file, "child"), [1]));

        Assert.Equal(ErrorCodes.Internal, error.Code);
        Assert.StartsWith($"cannot write '{file}/child': ", error.Detail, StringComparison.Ordinal);
        Assert.Equal(["plain"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task List_IsSortedByNameWithTypesSizesModesAndTimes()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "b.txt"), "12345");
        Directory.CreateDirectory(Path.Combine(_root, "a-dir"));
        File.CreateSymbolicLink(Path.Combine(_root, "c-dangling"), Path.Combine(_root, "missing"));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var entries = await _fs.ListDirectoryAsync(_root);

        Assert.Equal(["a-dir", "b.txt", "c-dangling"], entries.Select(e => e.Name));
        var file = entries[1];
        Assert.Equal(Path.Combine(_root, "b.txt"), file.Path);
        Assert.False(file.IsDir);
        Assert.Equal(5, file.Size);
        Assert.Equal(RegularFile, file.Mode!.Value & 0xF000);
        Assert.Equal((int)File.GetUnixFileMode(file.Path), file.Mode.Value & 0xFFF);
        Assert.InRange(file.Mtime!.Value, now - 60, now + 60);
        Assert.True(entries[0].IsDir);
        Assert.Equal(DirectoryType, entries[0].Mode!.Value & 0xF000);
    }

    [Fact]
    public async Task Stat_FollowsSymlinksAndNamesTheRoot()
    {
        var directory = Path.Combine(_root, "dir");
        Directory.CreateDirectory(directory);
        var link = Path.Combine(_root, "to-dir");
        File.CreateSymbolicLink(link, directory);

        var entry = await _fs.StatAsync(link + "/");
        var root = await _fs.StatAsync("/");

        Assert.True(entry.IsDir);
        Assert.Equal(link, entry.Path);
        Assert.Equal("to-dir", entry.Name);
        Assert.Equal("/", root.Name);
    }

    [Fact]
    public async Task Errors_MissingIsNotFound_RelativeIsInvalid_DirectoryReadIsInvalid()
    {
        var missing = await WireErrors.OfAsync(() => _fs.ReadFileAsync(Path.Combine(_root, "nope")));
        var relative = await WireErrors.OfAsync(() => _fs.ReadFileAsync("relative/file"));
        var directory = await WireErrors.OfAsync(() => _fs.ReadFileAsync(_root));
        var notADirectory = await WireErrors.OfAsync(async () =>
        {
            var file = Path.Combine(_root, "plain");
            await File.WriteAllTextAsync(file, "x");
            await _fs.ListDirectoryAsync(file);
        });

        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        Assert.Equal($"No such file or directory: '{Path.Combine(_root, "nope")}'", missing.Detail);
        Assert.Equal(ErrorCodes.InvalidArgument, relative.Code);
        Assert.Contains("must be absolute", relative.Detail, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.InvalidArgument, directory.Code);
        Assert.Contains("Is a directory", directory.Detail, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.InvalidArgument, notADirectory.Code);
    }

    [Fact]
    public async Task Read_OverTheLimitIsInvalidWithBothSizes()
    {
        var path = Path.Combine(_root, "big");
        await File.WriteAllBytesAsync(path, new byte[11]);

        var error = await WireErrors.OfAsync(() => new FileSystem(readLimit: 10).ReadFileAsync(path));

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.StartsWith("file is 11 bytes; the limit is 10", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_EnforcesTheLimitOnFilesThatReportSizeZero()
    {
        var error = await WireErrors.OfAsync(() => new FileSystem(readLimit: 16).ReadFileAsync("/dev/zero"));

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
    }

    [Fact]
    public async Task Read_ProcFilesWithSizeZeroStillHaveContent()
    {
        var data = await _fs.ReadFileAsync("/proc/self/status");

        Assert.Contains("Pid:", Encoding.UTF8.GetString(data), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesTreesRecursivelyWithoutFollowingSymlinks()
    {
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "keep"), "k");
        var tree = Path.Combine(_root, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        await File.WriteAllTextAsync(Path.Combine(tree, "sub", "f"), "f");
        File.CreateSymbolicLink(Path.Combine(tree, "link"), outside);

        var parent = await WireErrors.OfAsync(() => _fs.DeletePathAsync(Path.Combine(tree, "sub", "..")));
        await _fs.DeletePathAsync(tree);

        Assert.Equal(ErrorCodes.InvalidArgument, parent.Code);
        Assert.False(Directory.Exists(tree));
        Assert.True(File.Exists(Path.Combine(outside, "keep")));
        var missing = await WireErrors.OfAsync(() => _fs.DeletePathAsync(tree));
        Assert.Equal(ErrorCodes.NotFound, missing.Code);
    }

    [Fact]
    public async Task Move_RenamesAndMovesIntoExistingDirectories()
    {
        var source = Path.Combine(_root, "one.txt");
        await File.WriteAllTextAsync(source, "1");
        var renamed = Path.Combine(_root, "two.txt");
        var directory = Path.Combine(_root, "dir");
        Directory.CreateDirectory(directory);

        await _fs.MovePathAsync(source, renamed);
        await _fs.MovePathAsync(renamed, directory);

        Assert.False(File.Exists(source));
        Assert.Equal("1", await File.ReadAllTextAsync(Path.Combine(directory, "two.txt")));
        var missing = await WireErrors.OfAsync(() => _fs.MovePathAsync(source, renamed));
        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        Assert.Contains(source, missing.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mkdir_WithAndWithoutParents()
    {
        var nested = Path.Combine(_root, "x", "y", "z");
        var orphan = Path.Combine(_root, "p", "q");
        var file = Path.Combine(_root, "file");
        await File.WriteAllTextAsync(file, "");

        await _fs.CreateDirectoryAsync(nested);
        await _fs.CreateDirectoryAsync(nested);
        var noParent = await WireErrors.OfAsync(() => _fs.CreateDirectoryAsync(orphan, parents: false));
        var overFile = await WireErrors.OfAsync(() => _fs.CreateDirectoryAsync(file));

        Assert.True(Directory.Exists(nested));
        Assert.Equal(ErrorCodes.NotFound, noParent.Code);
        Assert.Equal(ErrorCodes.InvalidArgument, overFile.Code);
    }

    [Fact]
    public void Normalize_ExpandsTildeAndTrimsTrailingSlashes()
    {
        var home = Environment.GetEnvironmentVariable("HOME")!.TrimEnd('/');

        Assert.Equal(home, FileSystem.Normalize("~"));
        Assert.Equal($"{home}/docs", FileSystem.Normalize("~/docs/"));
        Assert.Equal("/", FileSystem.Normalize("///"));
        Assert.Equal(ErrorCodes.InvalidArgument, WireErrors.Of(() => FileSystem.Normalize("~other/x")).Code);
        Assert.Equal(ErrorCodes.InvalidArgument, WireErrors.Of(() => FileSystem.Normalize("")).Code);
    }

    [Fact]
    public async Task PermissionErrorsAreInternalNotPermissionDenied()
    {
        if (Environment.IsPrivilegedProcess)
        {
            // Root reads everything; use a file root cannot write instead: one under /proc.
            var error = await WireErrors.OfAsync(() => _fs.WriteFileAsync("/proc/version", [1]));
            Assert.Equal(ErrorCodes.Internal, error.Code);
            return;
        }

        var path = Path.Combine(_root, "secret");
        await File.WriteAllTextAsync(path, "s");
        File.SetUnixFileMode(path, UnixFileMode.None);

        var denied = await WireErrors.OfAsync(() => _fs.ReadFileAsync(path));

        Assert.Equal(ErrorCodes.Internal, denied.Code);
        Assert.Contains("Permission denied", denied.Detail, StringComparison.Ordinal);
    }
}
