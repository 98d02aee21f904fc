using OpenDesk.Imaging;

namespace OpenDesk.Tests.Linux.Accessibility;

/// <summary>Set-of-Marks on a real application: every mark's centre is on the element its legend names, as pyatspi sees it.</summary>
public sealed class SetOfMarksAtSpiTests(AtSpiDesktopFixture desktop) : IClassFixture<AtSpiDesktopFixture>
{
    [AtSpiFact]
    public async Task The_legend_centres_hit_the_elements_they_name()
    {
        var shot = await SetOfMarks.CaptureAsync(desktop.Remote, new SetOfMarksOptions { App = AtSpiDesktopFixture.WidgetFactory });

        Assert.True(shot.Marks.Count >= 20, $"only {shot.Marks.Count} marks on the widget factory");
        Assert.Contains(shot.Marks, m => m is { Role: "check_box", Name: "checkbutton" });
        var checkedMarks = shot.Marks.Where(m => m.Name.Length > 0).Take(25).ToList();
        foreach (var mark in checkedMarks)
        {
            var under = desktop.ObserveAt(AtSpiDesktopFixture.WidgetFactory, (int)mark.Center.X, (int)mark.Center.Y);
            Assert.True(
                under.EnumerateArray().Any(node => node.GetProperty("name").GetString() == mark.Name && Contains(node.GetProperty("extents"), mark.Center)),
                $"mark {mark.Number} ({mark.Role} '{mark.Name}' at {mark.Center}) is not on that element; pyatspi sees: {under}");
        }
    }

    private static bool Contains(System.Text.Json.JsonElement extents, OpenDesk.Computer.Point point)
    {
        var e = extents.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return point.X >= e[0] && point.X < e[0] + e[2] && point.Y >= e[1] && point.Y < e[1] + e[3];
    }
}
