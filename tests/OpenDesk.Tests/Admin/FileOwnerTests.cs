using System.Runtime.Versioning;
using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Admin;

[SupportedOSPlatform("linux")]
public class FileOwnerTests
{
    [Fact]
    public void Owners_and_lookup_failures_are_what_the_kernel_says()
    {
        var directory = Directory.CreateTempSubdirectory("odowner-").FullName;
        try
        {
            var file = Path.Combine(directory, "f");
            File.WriteAllText(file, "x");
            var link = Path.Combine(directory, "dangling");
            File.CreateSymbolicLink(link, Path.Combine(directory, "nowhere"));

            Assert.Equal(new FileOwner.Lookup(PeerCredentials.EffectiveUserId, 0), FileOwner.Of(file));
            Assert.Equal(0, FileOwner.Of(link).Errno);
            Assert.Equal(FileOwner.ENOENT, FileOwner.Of(Path.Combine(directory, "missing")).Errno);
            Assert.Equal(FileOwner.ENOTDIR, FileOwner.Of(Path.Combine(file, "below")).Errno);
            Assert.True(FileOwner.CanSearch(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Users_are_named_from_the_user_database_and_unknown_ones_by_uid()
    {
        Assert.Equal("root (uid 0)", FileOwner.Describe(0));
        Assert.Equal("uid 3999999", FileOwner.Describe(3_999_999));
    }
}
