using System.Text;
using System.Text.Json;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

public class TrustedPeersFileTests
{
    [Fact]
    public void Writing_the_vector_entries_gives_the_vector_file_byte_for_byte()
    {
        var (file, entries) = LoadVector();

        Assert.Equal(file, Encoding.ASCII.GetString(TrustedPeersJson.Serialize(entries)));
    }

    [Fact]
    public void Reading_the_vector_file_gives_the_vector_entries()
    {
        var (file, entries) = LoadVector();
        using var temp = new TempHome();
        File.WriteAllText(temp.Home.TrustedPeersPath, file);

        Assert.Equal(entries, temp.NewStore().List());
    }

    [Fact]
    public void Store_operations_reproduce_the_vector_file()
    {
        var (file, _) = LoadVector();
        using var temp = new TempHome();
        var clock = new FixedTimeProvider(1710000000.5);
        var store = temp.NewStore(clock);
        var laptop = VectorFiles.Hex("f461445639c002c037b54f7576bead7f2afe9a3af518bfd7370230d38982367e");
        var buero = VectorFiles.Hex("22125b760d7d4a65e4f721ded393ea5ab6c680768b024080e08c78282c105b14");

        store.Add(laptop, "laptop", PeerRole.Controller);
        clock.Now = 1710000100.25;
        store.Add(buero, "büro", PeerRole.Remote);
        store.CacheDescription(buero, "billing machine");
        store.CacheEndpoint(buero, "192.168.1.42", 8423);

        Assert.Equal(file, File.ReadAllText(temp.Home.TrustedPeersPath, Encoding.ASCII));
    }

    [Fact]
    public void Empty_store_is_an_empty_array()
    {
        Assert.Equal("[]", Encoding.ASCII.GetString(TrustedPeersJson.Serialize([])));
    }

    [Fact]
    public void Strings_are_escaped_like_python_ensure_ascii_and_read_back()
    {
        const string Name = "a\"b\\c/\n\r\t\b\f\u0001\u001f\u007f~é€😀";
        var peer = new TrustedPeer { PublicKey = new string('a', 64), Name = Name, PairedAt = 1710000000 };

        var text = Encoding.ASCII.GetString(TrustedPeersJson.Serialize([peer]));

        Assert.Contains("\"name\": \"a\\\"b\\\\c/\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f~\\u00e9\\u20ac\\ud83d\\ude00\",", text, StringComparison.Ordinal);
        Assert.Contains("\"paired_at\": 1710000000.0,", text, StringComparison.Ordinal);
        Assert.Equal(peer, Assert.Single(TrustedPeersJson.Parse(Encoding.ASCII.GetBytes(text))));
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(812.0, "812.0")]
    [InlineData(1710000000.0, "1710000000.0")]
    [InlineData(1710000000.5, "1710000000.5")]
    [InlineData(1716900000.123456, "1716900000.123456")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.000123, "0.000123")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(12345678901234567.0, "1.2345678901234568e+16")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    public void Floats_are_written_like_python_repr(double value, string expected)
    {
        Assert.Equal(expected, OpenDesk.Protocol.PyRepr.FormatFloat(value));
    }

    private static (string File, List<TrustedPeer> Entries) LoadVector()
    {
        using var doc = VectorFiles.Load("identity.json");
        var root = doc.RootElement;
        var entries = root.GetProperty("trusted_peers_entries").EnumerateArray().Select(e => new TrustedPeer
        {
            Description = e.GetProperty("description").GetString()!,
            DescriptionOverride = e.GetProperty("description_override").GetString()!,
            LastHost = e.GetProperty("last_host").GetString()!,
            LastPort = e.GetProperty("last_port").GetInt32(),
            Name = e.GetProperty("name").GetString()!,
            PairedAt = e.GetProperty("paired_at").GetDouble(),
            PublicKey = e.GetProperty("public_key").GetString()!,
            Role = e.GetProperty("role").GetString()!,
        }).ToList();
        return (root.GetProperty("trusted_peers_file").GetString()!, entries);
    }
}
