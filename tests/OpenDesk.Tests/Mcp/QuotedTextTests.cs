using OpenDesk.Mcp.Tools;

namespace OpenDesk.Tests.Mcp;

/// <summary>Text from the desk is quoted on one line, so each listed element stays one line.</summary>
public sealed class QuotedTextTests
{
    [Theory]
    [InlineData("OK", "\"OK\"")]
    [InlineData("Lorem\nipsum", "\"Lorem\\nipsum\"")]
    [InlineData("say \"hi\"\t\\ now\r", "\"say \\\"hi\\\"\\t\\\\ now\\r\"")]
    [InlineData("日本語 ✓", "\"日本語 ✓\"")]
    public void Quotes_backslashes_and_line_breaks_are_escaped(string text, string expected)
    {
        Assert.Equal(expected, Common.Quoted(text));
    }

    [Fact]
    public void Long_text_is_cut_with_an_ellipsis()
    {
        Assert.Equal("\"abcd…\"", Common.Quoted("abcdefgh", 5));
        Assert.Equal("\"abcde\"", Common.Quoted("abcde", 5));
    }
}
