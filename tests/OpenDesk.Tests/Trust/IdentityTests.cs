using System.Text.Json;
using OpenDesk.Session;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

public class IdentityTests
{
    public static TheoryData<int> IdentityVectors()
    {
        using var doc = VectorFiles.Load("identity.json");
        var data = new TheoryData<int>();
        for (int i = 0; i < doc.RootElement.GetProperty("identities").GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IdentityVectors))]
    public void Identity_key_file_gives_the_vector_public_key_and_names(int index)
    {
        using var doc = VectorFiles.Load("identity.json");
        var vector = doc.RootElement.GetProperty("identities")[index];
        using var temp = new TempHome();
        File.WriteAllBytes(temp.Home.IdentityKeyPath, VectorFiles.Hex(Str(vector, "identity_key_file_hex")));

        var identity = Identity.LoadOrCreate(temp.Home);

        Assert.Equal(Str(vector, "public_key"), VectorFiles.ToHex(identity.PublicKey));
        Assert.Equal(Str(vector, "public_key"), identity.PublicKeyHex);
        Assert.Equal(Str(vector, "fingerprint"), identity.Fingerprint);
        Assert.Equal(Str(vector, "fingerprint"), Fingerprint.Colon(identity.PublicKey));
        Assert.Equal(Str(vector, "default_name"), Fingerprint.DefaultName(identity.PublicKey));
        Assert.Equal(Str(vector, "default_name"), Fingerprint.DefaultName(identity.PublicKeyHex));
        Assert.Equal(Str(vector, "audit_fp"), Fingerprint.Audit(identity.PublicKey));
        Assert.Equal(Str(vector, "audit_fp"), Fingerprint.Audit(identity.PublicKeyHex));
        Assert.Equal(Str(vector, "identity_key_file_hex"), VectorFiles.ToHex(identity.PrivateKey));
    }

    [Fact]
    public void Shared_secret_matches_the_auth_vector_from_both_sides()
    {
        using var doc = VectorFiles.Load("auth.json");
        var c = doc.RootElement.GetProperty("cases")[0];
        var keys = c.GetProperty("keys");
        var server = Identity.FromPrivateKey(VectorFiles.Hex(Str(keys, "server_static_private")));
        var client = Identity.FromPrivateKey(VectorFiles.Hex(Str(keys, "client_static_private")));

        Assert.Equal(Str(c, "dh_ss_sc"), VectorFiles.ToHex(server.SharedSecret(client.PublicKey)));
        Assert.Equal(Str(c, "dh_ss_sc"), VectorFiles.ToHex(client.SharedSecret(server.PublicKey)));
        Assert.Equal(
            Str(c, "dh_es_ec"),
            VectorFiles.ToHex(X25519.SharedSecret(VectorFiles.Hex(Str(keys, "server_ephemeral_private")), VectorFiles.Hex(Str(keys, "client_ephemeral_public")))));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    public void Low_order_peer_key_is_a_protocol_failure(string peerHex)
    {
        var identity = Identity.FromPrivateKey(X25519.GeneratePrivateKey());

        var e = Assert.Throws<HandshakeException>(() => identity.SharedSecret(VectorFiles.Hex(peerHex)));

        Assert.Equal(HandshakeFailureReason.Protocol, e.Reason);
    }

    [Fact]
    public void Wrong_length_keys_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => X25519.SharedSecret(new byte[32], new byte[31]));
        Assert.Throws<ArgumentException>(() => X25519.PublicKeyFromPrivate(new byte[33]));
    }

    [Fact]
    public void First_use_creates_a_0600_key_that_later_loads_return()
    {
        using var temp = new TempHome();

        var created = Identity.LoadOrCreate(temp.Home);
        var loaded = Identity.LoadOrCreate(new OpenDeskHome(temp.HomePath));

        Assert.Equal(created.PublicKey, loaded.PublicKey);
        Assert.Equal(32, new FileInfo(temp.Home.IdentityKeyPath).Length);
        Assert.Equal(created.PrivateKey.ToArray(), File.ReadAllBytes(temp.Home.IdentityKeyPath));
        Assert.Equal(["identity.key"], Directory.GetFiles(temp.HomePath).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(temp.Home.IdentityKeyPath));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Key_file_of_the_wrong_length_fails_and_is_left_alone(int length)
    {
        using var temp = new TempHome();
        var content = Enumerable.Repeat((byte)0x41, length).ToArray();
        File.WriteAllBytes(temp.Home.IdentityKeyPath, content);

        var e = Assert.Throws<OpenDeskException>(() => Identity.LoadOrCreate(temp.Home));

        Assert.Equal("identity key must be 32 bytes", e.Message);
        Assert.Equal(content, File.ReadAllBytes(temp.Home.IdentityKeyPath));
    }

    [Fact]
    public async Task Concurrent_first_use_ends_with_one_key_everyone_uses()
    {
        for (int round = 0; round < 10; round++)
        {
            using var temp = new TempHome();
            using var start = new Barrier(8);

            // Dedicated threads: a barrier over pool threads would wait for the pool to grow on small machines.
            var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    return Identity.LoadOrCreate(new OpenDeskHome(temp.HomePath)).PublicKeyHex;
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)));

            Assert.Single(keys.Distinct());
            Assert.Equal(keys[0], Identity.LoadOrCreate(temp.Home).PublicKeyHex);
            Assert.Equal(["identity.key"], Directory.GetFiles(temp.HomePath).Select(Path.GetFileName));
        }
    }

    private static string Str(JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
