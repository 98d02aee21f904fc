using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

public class OpenDeskHomeTests
{
    [Fact]
    public void Missing_home_is_created_0700_with_the_documented_paths()
    {
        using var temp = new TempHome();

        Assert.True(Directory.Exists(temp.HomePath));
        Assert.Equal(temp.HomePath, temp.Home.Path);
        Assert.Equal(Path.Combine(temp.HomePath, "identity.key"), temp.Home.IdentityKeyPath);
        Assert.Equal(Path.Combine(temp.HomePath, "trusted-peers.json"), temp.Home.TrustedPeersPath);
        Assert.Equal(Path.Combine(temp.HomePath, "default-peer"), temp.Home.DefaultPeerPath);
        Assert.Equal(Path.Combine(temp.HomePath, "description.txt"), temp.Home.DescriptionPath);
        Assert.Equal(Path.Combine(temp.HomePath, "admin.sock"), temp.Home.AdminSocketPath);
        Assert.Equal(Path.Combine(temp.HomePath, "audit"), temp.Home.AuditDirectory);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(temp.HomePath));
        }
    }

    [Fact]
    public void Existing_home_keeps_its_mode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempHome();
        var path = Path.Combine(temp.Root, "shared-home");
        const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, Open);

        _ = new OpenDeskHome(path);

        Assert.Equal(Open, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Default_home_is_dot_opendesk_in_the_user_profile()
    {
        var expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".opendesk");

        // Constructing a home creates it, so only look when the real one already exists.
        if (!Directory.Exists(expected))
        {
            return;
        }

        Assert.Equal(expected, new OpenDeskHome().Path);
        Assert.Equal(expected, new OpenDeskHome("~/.opendesk").Path);
    }

    [Fact]
    public void The_default_home_serves_admin_on_the_spec_pipe_name()
    {
        var expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".opendesk");

        Assert.Equal("opendesk-admin", OpenDeskHome.AdminPipeNameOf(expected));
        Assert.Equal("opendesk-admin", OpenDeskHome.AdminPipeNameOf(expected + Path.DirectorySeparatorChar));
    }

    [Fact]
    public void Two_homes_get_different_admin_pipe_names_and_one_home_always_the_same()
    {
        using var first = new TempHome();
        using var second = new TempHome();

        Assert.Matches("^opendesk-admin-[0-9a-f]{16}$", first.Home.AdminPipeName);
        Assert.Matches("^opendesk-admin-[0-9a-f]{16}$", second.Home.AdminPipeName);
        Assert.NotEqual(first.Home.AdminPipeName, second.Home.AdminPipeName);
        Assert.Equal(first.Home.AdminPipeName, new OpenDeskHome(first.HomePath + Path.DirectorySeparatorChar).AdminPipeName);
        Assert.Equal(first.Home.AdminPipeName, new OpenDeskHome(Path.Combine(first.Root, ".", "home")).AdminPipeName);
    }
}
