using OpenDesk.Discovery;

namespace OpenDesk.Tests.Discovery;

public class DiscoverFormatterTests
{
    private static DiscoveredPeer Peer(string name, string host, int port, string description) =>
        new(name, host, port, new byte[32], "9c2f:1abc:b3d4:8870", description);

    [Fact]
    public void No_peers_is_one_line()
    {
        Assert.Equal(["No opendesk peers found on the LAN."], DiscoverFormatter.Format([]));
    }

    [Fact]
    public void Peers_are_a_header_and_padded_rows()
    {
        IReadOnlyList<string> lines = DiscoverFormatter.Format([Peer("desk-9c2f1a", "192.0.2.9", 8423, "lab desk"), Peer("vm-000000", "10.0.0.1", 9000, "")]);

        Assert.Equal(
        [
            "NAME                      ADDR                    FINGERPRINT             DESCRIPTION",
            "desk-9c2f1a               192.0.2.9:8423          9c2f:1abc:b3d4:8870     lab desk",
            "vm-000000                 10.0.0.1:9000           9c2f:1abc:b3d4:8870     ",
        ], lines);
    }

    [Fact]
    public void Long_values_push_columns_and_the_description_is_cut_to_80_characters()
    {
        string name = new('n', 30);
        string description = string.Concat(Enumerable.Repeat("😀", 100));

        string row = DiscoverFormatter.Format([Peer(name, "192.0.2.9", 8423, description)])[1];

        Assert.StartsWith(name + "  192.0.2.9:8423          9c2f", row, StringComparison.Ordinal);
        Assert.EndsWith("  " + string.Concat(Enumerable.Repeat("😀", 80)), row, StringComparison.Ordinal);
    }

    [Fact]
    public void Width_counts_characters_and_control_characters_become_spaces()
    {
        string row = DiscoverFormatter.Format([Peer("bür😀", "192.0.2.9", 1, "line1\nline2\u001b[31m")])[1];

        Assert.Equal("bür😀" + new string(' ', 20) + "  192.0.2.9:1" + new string(' ', 11) + "  9c2f:1abc:b3d4:8870     line1 line2 [31m", row);
    }
}
