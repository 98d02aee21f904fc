using System.Text;
using OpenDesk.Discovery;

namespace OpenDesk.Tests.Discovery;

public class MdnsServiceInfoTests
{
    private static readonly byte[] Key = Convert.FromHexString("9c2f1abcb3d48870" + new string('0', 48));

    [Theory]
    [InlineData("a", 130, 120)]         // ASCII: a plain cut
    [InlineData("é", 61, 60)]           // 2-byte characters: 122 bytes, cut to 120
    [InlineData("€", 41, 40)]           // 3-byte characters: 123 bytes, cut to 120
    [InlineData("😀", 31, 30)]          // 4-byte characters: 124 bytes, cut to 120
    public void The_description_is_cut_to_120_bytes_on_a_character_boundary(string unit, int repeat, int expectedUnits)
    {
        string description = string.Concat(Enumerable.Repeat(unit, repeat));

        byte[] cut = MdnsServiceInfo.TruncateDescription(description);

        Assert.True(cut.Length <= 120);
        Assert.Equal(string.Concat(Enumerable.Repeat(unit, expectedUnits)), Encoding.UTF8.GetString(cut));
    }

    [Fact]
    public void A_cut_that_would_split_a_character_drops_the_whole_character()
    {
        // 1 + 29 × 4 = 117 bytes; the next emoji would end at byte 121.
        string description = "a" + string.Concat(Enumerable.Repeat("😀", 30));

        byte[] cut = MdnsServiceInfo.TruncateDescription(description);

        Assert.Equal(117, cut.Length);
        Assert.Equal(description[..59], new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(cut));
    }

    [Fact]
    public void A_description_of_exactly_120_bytes_is_kept_whole()
    {
        string description = new string('x', 118) + "é";

        Assert.Equal(Encoding.UTF8.GetBytes(description), MdnsServiceInfo.TruncateDescription(description));
    }

    [Fact]
    public void The_TXT_properties_are_v_pk_fp_and_desc_only_when_there_is_one()
    {
        var withDescription = new MdnsServiceInfo("desk-9c2f1a", 8423, Key, "lab desk");
        var without = new MdnsServiceInfo("desk-9c2f1a", 8423, Key, "");

        Assert.Equal(["v", "pk", "fp", "desc"], withDescription.TxtProperties().Select(p => p.Key));
        Assert.Equal(["v", "pk", "fp"], without.TxtProperties().Select(p => p.Key));
        Assert.Equal("1"u8.ToArray(), withDescription.TxtProperties()[0].Value);
        Assert.Equal(Key, withDescription.TxtProperties()[1].Value);
        Assert.Equal("9c2f:1abc:b3d4:8870"u8.ToArray(), withDescription.TxtProperties()[2].Value);
        Assert.Equal("lab desk"u8.ToArray(), withDescription.TxtProperties()[3].Value);
        Assert.Equal("9c2f:1abc:b3d4:8870", withDescription.Fingerprint);
    }

    [Fact]
    public void The_default_instance_name_is_the_host_name_and_six_hex_of_the_key()
    {
        Assert.Equal("vm-9c2f1a", MdnsServiceInfo.DefaultInstanceName("vm", Key));
        Assert.Equal("opendesk-9c2f1a", MdnsServiceInfo.DefaultInstanceName("", Key));
        Assert.Equal(System.Net.Dns.GetHostName() + "-9c2f1a", MdnsServiceInfo.DefaultInstanceName(Key));
    }

    [Fact]
    public void A_long_host_name_is_cut_so_the_instance_name_fits_one_label()
    {
        string name = MdnsServiceInfo.DefaultInstanceName(string.Concat(Enumerable.Repeat("ü", 40)), Key);

        Assert.Equal(string.Concat(Enumerable.Repeat("ü", 28)) + "-9c2f1a", name);
        Assert.True(Encoding.UTF8.GetByteCount(name) <= 63);
    }

    [Fact]
    public void Invalid_service_parameters_are_refused_with_the_reason()
    {
        Assert.Contains("32 bytes: got 31", Assert.Throws<ArgumentException>(() => new MdnsServiceInfo("x", 8423, new byte[31], "")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MdnsServiceInfo("x", 0, Key, ""));
        Assert.Contains("1 to 63 UTF-8 bytes: got 64",
            Assert.Throws<ArgumentException>(() => new MdnsServiceInfo(new string('x', 64), 8423, Key, "")).Message, StringComparison.Ordinal);
    }
}
