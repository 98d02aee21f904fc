using OpenDesk.Linux.Accessibility;

namespace OpenDesk.Tests.Linux.Accessibility;

public sealed class ActionNameCacheTests
{
    [Fact]
    public void An_application_that_left_takes_its_names_along_and_no_other()
    {
        var cache = new ActionNameCache();
        var gone = new AccessibleRef(":1.7", "/org/a11y/atspi/accessible/3");
        var staying = new AccessibleRef(":1.70", "/org/a11y/atspi/accessible/3");
        cache.Add(gone, ["click"]);
        cache.Add(staying, ["press"]);

        cache.ForgetApplication(":1.7");

        Assert.False(cache.TryGet(gone, out _));
        Assert.True(cache.TryGet(staying, out var names));
        Assert.Equal(["press"], names);
    }

    [Fact]
    public void The_cache_starts_over_instead_of_growing_past_its_capacity()
    {
        var cache = new ActionNameCache();
        for (var i = 0; i <= 100_000; i++)
        {
            cache.Add(new AccessibleRef(":1.9", $"/o/{i}"), ["click"]);
        }

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(new AccessibleRef(":1.9", "/o/100000"), out _));
    }
}
