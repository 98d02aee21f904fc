using OpenDesk.Computer;
using OpenDesk.Mcp.Desks;
using OpenDesk.Protocol;

namespace OpenDesk.Tests.Mcp;

/// <summary>What an agent reads when this machine's backend fails: the same mapping serve answers a desk's controller with.</summary>
public sealed class DeskErrorsTests
{
    private static readonly Desk Local = new(DeskRouter.Local, ModularComputer.Headless(), remote: null);

    [Fact]
    public void Bad_arguments_from_the_backend_read_as_rejected_arguments()
    {
        var text = DeskErrors.CallFailure(Local, Methods.InputKey, new ArgumentException("unknown key 'hyperspace'"));
        Assert.Equal("This machine rejected the arguments of input.key: unknown key 'hyperspace'", text);
    }

    [Fact]
    public void Missing_things_and_timeouts_say_so()
    {
        Assert.Equal("Not found on this machine: no window 0x42", DeskErrors.CallFailure(Local, Methods.WindowsFocus, new NotFoundException("no window 0x42")));
        Assert.Equal("ui.tree timed out on this machine: the accessibility bus did not answer",
            DeskErrors.CallFailure(Local, Methods.UITree, new TimeoutException("the accessibility bus did not answer")));
    }

    [Fact]
    public void Other_backend_failures_carry_the_wire_code_and_the_backend_s_words()
    {
        var text = DeskErrors.CallFailure(Local, Methods.DisplayCapture, new OpenDeskException("the X server went away"));
        Assert.Equal("display.capture failed on this machine (internal): the X server went away", text);
    }

    [Fact]
    public void An_unsupported_capability_points_at_opendesk_capabilities()
    {
        var text = DeskErrors.CallFailure(Local, Methods.UITree, ErrorMapping.Unsupported(Capabilities.UiTree, "linux-x11"));
        Assert.StartsWith("This machine cannot do ui.tree: Capability 'ui.tree' is not supported by backend linux-x11.", text, StringComparison.Ordinal);
        Assert.Contains("opendesk_capabilities", text, StringComparison.Ordinal);
    }
}
