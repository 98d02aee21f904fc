using OpenDesk.Linux.Accessibility;

namespace OpenDesk.Tests.Linux.Accessibility;

public sealed class AccessibleRefTests
{
    [Theory]
    [InlineData(":1.42:/org/a11y/atspi/accessible/17", ":1.42", "/org/a11y/atspi/accessible/17")]
    [InlineData(":1.7:/org/a11y/atspi/accessible/root", ":1.7", "/org/a11y/atspi/accessible/root")]
    [InlineData("org.a11y.atspi.Registry:/", "org.a11y.atspi.Registry", "/")]
    public void An_id_reads_back_as_the_bus_name_and_path_it_was_made_of(string id, string busName, string path)
    {
        Assert.True(AccessibleRef.TryParse(id, out var reference));

        Assert.Equal(new AccessibleRef(busName, path), reference);
        Assert.Equal(id, reference.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":1.42")]
    [InlineData("/org/a11y/atspi/accessible/17")]
    [InlineData(":1.42:/org/a11y//17")]
    [InlineData(":1.42:/org/a11y/17/")]
    [InlineData(":1.42:/org/a11y/atspi accessible")]
    [InlineData(":1.42:/org/a11y/\u00e9")]
    [InlineData(":1..42:/org/a11y/17")]
    [InlineData("1bus.name:/org")]
    [InlineData("single:/org")]
    [InlineData(":1.42:/org/a11y/\0")]
    public void Anything_the_bus_would_reject_is_not_an_id(string id)
    {
        Assert.False(AccessibleRef.TryParse(id, out _));
    }

    [Theory]
    [InlineData("Push Button", "button")]
    [InlineData("push-button", "button")]
    [InlineData("button", "button")]
    [InlineData("frame", "window")]
    [InlineData("check box", "check_box")]
    [InlineData(" Check_Box ", "check_box")]
    public void A_role_matches_however_it_is_spelled(string written, string normalised)
    {
        Assert.Equal(normalised, AtSpiRoles.Normalise(written));
    }

    [Fact]
    public void Roles_by_number_are_snake_case_atspi_names_with_the_shared_ones_renamed()
    {
        Assert.Equal(("button", "push button"), (AtSpiRoles.Name(43), AtSpiRoles.AtSpiName(43)));
        Assert.Equal(("window", "frame"), (AtSpiRoles.Name(23), AtSpiRoles.AtSpiName(23)));
        Assert.Equal("check_box", AtSpiRoles.Name(7));
        Assert.Equal("application", AtSpiRoles.Name(AtSpiRoles.Application));
        Assert.Equal("role_999", AtSpiRoles.Name(999));
    }
}
