using OpenDesk.Computer;

namespace OpenDesk.Tests.Computer;

public class MethodsTests
{
    [Fact]
    public void The_table_has_33_unary_and_2_stream_methods_plus_2_aliases()
    {
        var canonical = Methods.All.Values.Where(m => m.AliasOf is null).ToList();

        Assert.Equal(33, canonical.Count(m => !m.Stream));
        Assert.Equal(["display.subscribe", "input.subscribe"], canonical.Where(m => m.Stream).Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, Methods.All.Count - canonical.Count);
    }

    [Fact]
    public void Idempotent_set_is_the_one_of_spec_19_3()
    {
        string[] expected =
        [
            "system.environment", "display.capture", "display.cursor_position", "display.displays", "windows.list", "windows.focused",
            "ui.tree", "clipboard.read", "fs.read", "fs.list", "fs.stat", "process.list", "apps.list", "notifications.list",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), Methods.All.Keys.Where(Methods.IsIdempotent).Order(StringComparer.Ordinal));
        Assert.False(Methods.IsIdempotent("no.such"));
    }

    [Fact]
    public void Observation_set_is_the_one_of_spec_21()
    {
        string[] expected =
        [
            "system.capabilities", "system.environment", "display.capture", "display.cursor_position", "display.displays", "display.subscribe",
            "windows.list", "windows.focused", "ui.tree", "clipboard.read", "fs.read", "fs.list", "fs.stat", "process.list", "apps.list",
            "notifications.list", "input.subscribe",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), Methods.All.Keys.Where(Methods.IsObservation).Order(StringComparer.Ordinal));
        Assert.False(Methods.IsObservation("ui.perform"));
        Assert.False(Methods.IsObservation("system.lock"));
        Assert.False(Methods.IsObservation("no.such"));
    }

    [Theory]
    [InlineData("system.capabilities", null)]
    [InlineData("system.environment", null)]
    [InlineData("display.cursor_position", "display.capture")]
    [InlineData("input.key", "input.keyboard")]
    [InlineData("windows.focused", "windows.list")]
    [InlineData("windows.move", "windows.manipulate")]
    [InlineData("apps.list", "app.lifecycle")]
    [InlineData("ui.action", "ui.actions")]
    [InlineData("ui.perform", "ui.actions")]
    [InlineData("fs.stat", "fs.read")]
    [InlineData("fs.mkdir", "fs.write")]
    [InlineData("process.exec", "process.spawn")]
    [InlineData("system.lock", "power.lock")]
    [InlineData("display.subscribe", "display.stream")]
    [InlineData("input.subscribe", "input.pointer")]
    [InlineData("no.such", null)]
    public void Capability_follows_the_cap_column(string method, string? capability)
    {
        Assert.Equal(capability, Methods.CapabilityOf(method));
    }

    [Fact]
    public void Aliases_resolve_to_their_canonical_method()
    {
        Assert.Equal("ui.action", Methods.Canonical("ui.perform"));
        Assert.Equal("power.lock", Methods.Canonical("system.lock"));
        Assert.Equal("fs.read", Methods.Canonical("fs.read"));
        Assert.Equal("no.such", Methods.Canonical("no.such"));
    }

    [Fact]
    public void Every_capability_is_a_spec_value()
    {
        Assert.All(Methods.All.Values.Where(m => m.Capability is not null), m => Assert.True(OpenDesk.Protocol.Capabilities.IsKnown(m.Capability!), m.Name));
    }

    [Fact]
    public void Arguments_follow_the_table_order_with_nil_for_unset_optionals_and_extensions_only_when_set()
    {
        var capture = Methods.Get(Methods.DisplayCapture);

        var plain = capture.Arguments("0", null, true, null, null, false);
        Assert.Equal(["display_id", "region", "downscale"], plain.Keys);
        Assert.Null(plain["region"]);

        var extended = capture.Arguments(null, null, false, "jpeg", 80, true);
        Assert.Equal(["display_id", "region", "downscale", "format", "quality", "cursor"], extended.Keys);
        Assert.Equal(80L, extended["quality"]);

        Assert.Equal(["path", "parents"], Methods.Get(Methods.FsMkdir).Arguments("/tmp/x").Keys);
        Assert.Equal(true, Methods.Get(Methods.FsMkdir).Arguments("/tmp/x")["parents"]);
        Assert.Throws<ArgumentException>(() => Methods.Get(Methods.FsRead).Arguments("/a", "/b"));
    }

    [Fact]
    public void Every_row_describes_itself_for_tools_and_only_actions_are_destructive()
    {
        foreach (var method in Methods.All.Values)
        {
            Assert.False(string.IsNullOrWhiteSpace(method.Description), method.Name);
            Assert.All(method.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{method.Name}.{p.Name}"));
            Assert.All(method.Parameters.Where(p => p.Type == ParameterType.Value), p => Assert.NotNull(p.ValueType));
            Assert.False(method.Destructive && method.Class == MethodClass.Observation, method.Name);
        }

        Assert.True(Methods.Get(Methods.FsDelete).Destructive);
        Assert.False(Methods.Get(Methods.InputPointer).Destructive);
        Assert.Equal(typeof(Pixmap), Methods.Get(Methods.DisplayCapture).ResultType);
    }
}
