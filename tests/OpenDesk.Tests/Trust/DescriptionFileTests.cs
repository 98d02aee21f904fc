using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

public class DescriptionFileTests
{
    [Fact]
    public void Description_round_trips_trimmed_with_a_trailing_newline_on_disk()
    {
        using var temp = new TempHome();
        var description = new DescriptionFile(temp.Home);

        Assert.Equal("", description.Read());
        description.Write("  billing machine — 2nd floor ");

        Assert.Equal("  billing machine — 2nd floor \n", File.ReadAllText(temp.Home.DescriptionPath));
        Assert.Equal("billing machine — 2nd floor", description.Read());
    }

    [Fact]
    public void Empty_text_writes_an_empty_file()
    {
        using var temp = new TempHome();
        var description = new DescriptionFile(temp.Home);

        description.Write("");

        Assert.Equal(0, new FileInfo(temp.Home.DescriptionPath).Length);
        Assert.Equal("", description.Read());
    }

    [Fact]
    public void Clear_reports_whether_a_description_was_set()
    {
        using var temp = new TempHome();
        var description = new DescriptionFile(temp.Home);

        Assert.False(description.Clear());
        description.Write("x");
        Assert.True(description.Clear());
        Assert.False(File.Exists(temp.Home.DescriptionPath));
        description.Write("");
        Assert.False(description.Clear());
    }
}
