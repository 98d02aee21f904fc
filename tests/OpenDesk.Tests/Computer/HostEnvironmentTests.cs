using OpenDesk.Computer;

namespace OpenDesk.Tests.Computer;

public class HostEnvironmentTests
{
    [Fact]
    public void Os_release_prefers_pretty_name_and_unquotes()
    {
        Assert.Equal("Ubuntu 24.04.1 LTS", HostEnvironment.ParseOsRelease("NAME=\"Ubuntu\"\nVERSION=\"24.04.1 LTS (Noble Numbat)\"\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\n"));
        Assert.Equal("12 (bookworm)", HostEnvironment.ParseOsRelease("# comment\nNAME='Debian'\nVERSION='12 (bookworm)'\n"));
        Assert.Equal("", HostEnvironment.ParseOsRelease("ID=alpine\n"));
    }

    [Theory]
    [InlineData("en_US.UTF-8", "en_US")]
    [InlineData("de_DE@euro", "de_DE")]
    [InlineData("fr_FR", "fr_FR")]
    [InlineData("C.UTF-8", "")]
    [InlineData("POSIX", "")]
    public void Posix_locale_loses_encoding_and_modifier(string value, string expected)
    {
        Assert.Equal(expected, HostEnvironment.LocaleFromPosix(value));
    }

    [Fact]
    public void Os_name_is_lower_case_like_python()
    {
        Assert.Equal(HostEnvironment.OsName.ToLowerInvariant(), HostEnvironment.OsName);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal("linux", HostEnvironment.OsName);
        }
    }
}
