using System.Security.Cryptography;
using OpenDesk.Protocol;
using OpenDesk.Session;
using OpenDesk.Session.Pake;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Session;

/// <summary>
/// One recorded pairing, or one active attempt, must not let anyone test pairing codes offline: one attempt is
/// one guess. The argument (pairing-cpace.md §6):
/// <list type="number">
/// <item>The code reaches the keys only through the CPace generator g(code), and the generator reaches them only
/// through K. ISK, the transcript hash and the X25519 terms have no other input that depends on the code. So
/// checking a candidate code c against any MAC in a transcript means computing
/// K_c = CDH_g(c)(Y_s, Y_c), the product y_s · y_c · g(c). That takes one of the two secret CPace scalars.</item>
/// <item>Each share is y · g(code) with y uniform in [1, L-1]. In a group of prime order L that is uniform over the
/// non-identity elements, whatever the code. Each share alone is consistent with every candidate code.</item>
/// <item>Someone who builds its own share Y = b · P from a base P it chose, knowing b, can compute exactly one K
/// value (b · Y_peer). That value is right only if P = g(code). It knows no scalar relating g(c1) to g(c2), since
/// the generators come from hashing to the group. So one attempt tests one code, and a MAC it receives answers
/// only "was my one guess right".</item>
/// <item>The server answers a client's MAC with its own only when that MAC verified. A failed attempt gets a
/// constant <c>cpace_reject</c>, so the server never gives out a value derived from K for a guess that was
/// wrong.</item>
/// </list>
/// The tests below check each point concretely. The contrast test runs the same offline search against v1 and
/// finds the code there, so the search is a real test and not a vacuous one.
/// </summary>
public class CpaceOfflineAttackTests
{
    private const string Code = "428901";

    private static readonly string[] Candidates = ["000000", "123456", "428900", "428902", "999999", Code];

    [Theory]
    [InlineData(Code)]
    [InlineData("428902")]
    public async Task A_recorded_pairing_gives_no_candidate_code_a_check_without_a_secret_scalar(string typedByClient)
    {
        var serverStatic = KeyPair.Generate();
        var clientStatic = KeyPair.Generate();
        var serverEphemeral = KeyPair.Generate();
        var clientEphemeral = KeyPair.Generate();
        var serverScalar = LibSodium.RistrettoScalarRandom();
        var clientScalar = LibSodium.RistrettoScalarRandom();
        var run = await CpacePairingVectorFile.RunBothAsync(Code, typedByClient, serverStatic, clientStatic, serverEphemeral, clientEphemeral, serverScalar, clientScalar);
        var t = Recorded.From(run.Messages);
        Assert.Equal(typedByClient == Code, run.ServerError is null);

        // The eavesdropper gets all four X25519 terms for free. That isolates the CPace barrier: without them
        // the MAC key is out of reach anyway.
        var dh = (serverEphemeral.Agree(t.ClientEphemeral), serverStatic.Agree(t.ClientEphemeral), serverEphemeral.Agree(t.ClientStatic), serverStatic.Agree(t.ClientStatic));

        // Not vacuous: with the client's secret scalar, the recorded MAC does verify. The check is a test of K alone.
        Assert.True(t.ClientMacVerifies(Cpace.Ristretto255Sha512.SharedPoint(clientScalar, t.ServerShare)!, dh));

        // Point 2: both shares are valid non-identity elements, so each is y · g(c) for some y, for every candidate c.
        var suite = CpacePairingCrypto.Suite;
        Assert.True(LibSodium.RistrettoIsValidPoint(t.ServerShare) && !suite.IsIdentity(t.ServerShare));
        Assert.True(LibSodium.RistrettoIsValidPoint(t.ClientShare) && !suite.IsIdentity(t.ClientShare));

        foreach (var candidate in Candidates)
        {
            var generator = CpacePairingCrypto.Generator(candidate, t.ServerStatic, t.ClientStatic, t.ClientEphemeral, t.ServerEphemeral);

            // Point 1: the elements computable from public data alone are no K for any candidate, the right one included.
            byte[][] publicGuesses =
            [
                generator,
                t.ServerShare,
                t.ClientShare,
                LibSodium.RistrettoFromHash(SHA512.HashData([.. t.ServerShare, .. t.ClientShare, .. generator])),
            ];
            Assert.All(publicGuesses, k => Assert.False(t.ClientMacVerifies(k, dh), $"candidate {candidate} checked offline"));
        }
    }

    [Fact]
    public async Task An_attacker_posing_as_the_server_tests_exactly_one_code_per_attempt()
    {
        var clientStatic = KeyPair.Generate();
        var decided = new Dictionary<string, bool>();
        foreach (var guess in Candidates)
        {
            var (client, attacker) = InMemoryTransport.CreatePair();
            var honestClient = CpacePairingHandshake.RunClientAsync(client, clientStatic, Code, default);

            // The attacker holds every secret on its side, builds its share from the generator of its guess,
            // and keeps the client's cpace_finish to work on offline.
            var hello = await HandshakeMessage.ReceiveAsync(attacker, default, CpacePairingHandshake.Hello);
            var clientEphemeral = HandshakeMessage.Field(hello, "e", 32);
            var attackerStatic = KeyPair.Generate();
            var attackerEphemeral = KeyPair.Generate();
            var b = LibSodium.RistrettoScalarRandom();
            var generator = CpacePairingCrypto.Generator(guess, attackerStatic.PublicKey, clientStatic.PublicKey, clientEphemeral, attackerEphemeral.PublicKey);
            var share = Cpace.Ristretto255Sha512.Share(b, generator);
            await attacker.SendAsync(HandshakeMessage.Encode(CpacePairingHandshake.Offer, ("e", attackerEphemeral.PublicKey), ("s", attackerStatic.PublicKey), ("y", share)));
            var finish = await HandshakeMessage.ReceiveAsync(attacker, default, CpacePairingHandshake.Finish);
            await attacker.CloseAsync();
            var failure = await Assert.ThrowsAsync<HandshakeException>(() => honestClient);
            Assert.Equal("protocol: peer closed before cpace_confirm", failure.Message);

            var t = new Recorded(clientEphemeral, clientStatic.PublicKey, attackerEphemeral.PublicKey, attackerStatic.PublicKey, share,
                HandshakeMessage.Field(finish, "y", 32), HandshakeMessage.Field(finish, "mac", 32));
            var dh = (attackerEphemeral.Agree(t.ClientEphemeral), attackerStatic.Agree(t.ClientEphemeral), attackerEphemeral.Agree(t.ClientStatic), attackerStatic.Agree(t.ClientStatic));

            // Point 3: b · Y_c is the only K this attacker can compute. Which candidate it "assumes" does not
            // enter the check, so the MAC answers one question: was the guess behind the share right?
            var onlyComputableK = Cpace.Ristretto255Sha512.SharedPoint(b, t.ClientShare)!;
            decided[guess] = t.ClientMacVerifies(onlyComputableK, dh);
        }

        Assert.Equal(Candidates.Select(c => c == Code), Candidates.Select(c => decided[c]));
    }

    [Fact]
    public async Task An_attacker_posing_as_a_client_gets_only_a_constant_reject_while_v1_hands_out_an_offline_oracle()
    {
        var serverStatic = KeyPair.Generate();

        // v1 (spec §6): one pair_hello from an attacker-chosen ephemeral, and the pair_offer it gets back lets it
        // try every code offline: ct1 opens only under the right code's PSK. Here the search finds the code.
        var attackerEphemeral = KeyPair.Generate();
        var v1Server = new ScriptedTransport();
        var pairHello = HandshakeMessage.Parse(HandshakeMessage.Encode(HandshakeMessage.PairHello, ("e", attackerEphemeral.PublicKey)), HandshakeMessage.PairHello);
        await Assert.ThrowsAsync<HandshakeException>(() => PairingHandshake.RunServerAsync(v1Server, serverStatic, HandshakeCrypto.DerivePsk(Code), pairHello, default));
        var v1Offer = HandshakeMessage.Parse(v1Server.Sent.Single(), HandshakeMessage.PairOffer);
        var dhEe = attackerEphemeral.Agree(HandshakeMessage.Field(v1Offer, "e", 32));
        var ct1 = HandshakeMessage.Field(v1Offer, "ct");
        var foundOffline = Candidates.Where(c => HandshakeCrypto.Open(HandshakeCrypto.Hkdf(HandshakeCrypto.DerivePsk(c), dhEe, HandshakeCrypto.InfoK1), ct1) is not null);
        Assert.Equal([Code], foundOffline);

        // CPace: the same attacker, holding all its secrets, sends one guess. Point 4: the server's whole output is
        // the offer, which it sent before seeing any guess, and then a reject that is the same bytes whatever was
        // guessed. Nothing in it is derived from K.
        var outputs = new List<List<byte[]>>();
        foreach (var guess in new[] { "000000", "999999" })
        {
            var (attackerSide, serverSide) = InMemoryTransport.CreatePair();
            var attackerStatic = KeyPair.Generate();
            var ephemeral = KeyPair.Generate();
            await attackerSide.SendAsync(HandshakeMessage.Encode(CpacePairingHandshake.Hello, ("e", ephemeral.PublicKey), ("s", attackerStatic.PublicKey)));
            var hello = await HandshakeMessage.ReceiveAsync(serverSide, default, CpacePairingHandshake.Hello);
            var server = CpacePairingHandshake.RunServerAsync(serverSide, serverStatic, Code, hello, default);

            var offerBytes = (await attackerSide.ReceiveAsync())!;
            var offer = HandshakeMessage.Parse(offerBytes, CpacePairingHandshake.Offer);
            Assert.Equal(["v", "kind", "e", "s", "y"], offer.Keys);
            var serverShare = HandshakeMessage.Field(offer, "y", 32);
            Assert.True(LibSodium.RistrettoIsValidPoint(serverShare) && !CpacePairingCrypto.Suite.IsIdentity(serverShare));

            var serverEphemeral = HandshakeMessage.Field(offer, "e", 32);
            var a = LibSodium.RistrettoScalarRandom();
            var share = Cpace.Ristretto255Sha512.Share(a, CpacePairingCrypto.Generator(guess, serverStatic.PublicKey, attackerStatic.PublicKey, ephemeral.PublicKey, serverEphemeral));
            var k = Cpace.Ristretto255Sha512.SharedPoint(a, serverShare)!;
            var t = new Recorded(ephemeral.PublicKey, attackerStatic.PublicKey, serverEphemeral, serverStatic.PublicKey, serverShare, share, []);
            var keys = t.Keys(k, (ephemeral.Agree(serverEphemeral), ephemeral.Agree(serverStatic.PublicKey), attackerStatic.Agree(serverEphemeral), attackerStatic.Agree(serverStatic.PublicKey)));
            await attackerSide.SendAsync(HandshakeMessage.Encode(CpacePairingHandshake.Finish, ("y", share), ("mac", CpacePairingCrypto.ClientMac(keys, t.Hash))));

            var rejected = await Assert.ThrowsAsync<HandshakeException>(() => server);
            Assert.Equal(HandshakeFailureReason.WrongCode, rejected.Reason);
            var answer = (await attackerSide.ReceiveAsync())!;
            outputs.Add([offerBytes, answer]);
        }

        Assert.All(outputs, o => Assert.Equal(HandshakeMessage.Encode(CpacePairingHandshake.Reject), o[1]));
        Assert.Equal(outputs[0][1], outputs[1][1]);
    }

    [Fact]
    public void The_key_schedule_takes_the_code_only_through_k()
    {
        // Point 1, by construction: the public values fixed, equal K gives equal keys and MACs. No candidate code
        // can be tried on its own; a check needs that candidate's K.
        var c = CpacePairingVectorTests.Case("primary");
        var t = Recorded.From(CpacePairingVectorTests.Messages(c));
        var dh = (CpacePairingVectorTests.Bytes(c, "dh_es_ec"), CpacePairingVectorTests.Bytes(c, "dh_ss_ec"), CpacePairingVectorTests.Bytes(c, "dh_es_sc"), CpacePairingVectorTests.Bytes(c, "dh_ss_sc"));

        Assert.True(t.ClientMacVerifies(CpacePairingVectorTests.Bytes(c, "k"), dh));
        Assert.Equal(CpacePairingVectorTests.Bytes(c, "c2s_key"), t.Keys(CpacePairingVectorTests.Bytes(c, "k"), dh).ClientToServerKey);

        // The other case's K (another code and other keys) fails here, as any wrong K does.
        Assert.False(t.ClientMacVerifies(CpacePairingVectorTests.Bytes(CpacePairingVectorTests.Case("leading-zeros"), "k"), dh));
    }

    /// <summary>The public values of a run, as a recording or an attacker sees them, and the MAC check for a given K.</summary>
    private sealed record Recorded(byte[] ClientEphemeral, byte[] ClientStatic, byte[] ServerEphemeral, byte[] ServerStatic, byte[] ServerShare, byte[] ClientShare, byte[] ClientMac)
    {
        public byte[] Sid => CpacePairingCrypto.SessionId(ClientEphemeral, ServerEphemeral);

        public byte[] Hash => CpacePairingCrypto.TranscriptHash(ClientEphemeral, ClientStatic, ServerEphemeral, ServerStatic, ServerShare, ClientShare);

        public static Recorded From(IReadOnlyList<byte[]> messages)
        {
            var hello = HandshakeMessage.Parse(messages[0], CpacePairingHandshake.Hello);
            var offer = HandshakeMessage.Parse(messages[1], CpacePairingHandshake.Offer);
            var finish = HandshakeMessage.Parse(messages[2], CpacePairingHandshake.Finish);
            return new Recorded(
                HandshakeMessage.Field(hello, "e", 32), HandshakeMessage.Field(hello, "s", 32),
                HandshakeMessage.Field(offer, "e", 32), HandshakeMessage.Field(offer, "s", 32), HandshakeMessage.Field(offer, "y", 32),
                HandshakeMessage.Field(finish, "y", 32), HandshakeMessage.Field(finish, "mac", 32));
        }

        public CpacePairingKeys Keys(byte[] k, (byte[] EsEc, byte[] SsEc, byte[] EsSc, byte[] SsSc) dh) =>
            CpacePairingCrypto.DeriveKeys(CpacePairingCrypto.IntermediateSessionKey(Sid, k, ServerShare, ClientShare), Hash, dh.EsEc, dh.SsEc, dh.EsSc, dh.SsSc);

        public bool ClientMacVerifies(byte[] k, (byte[] EsEc, byte[] SsEc, byte[] EsSc, byte[] SsSc) dh) =>
            CpacePairingCrypto.MacMatches(CpacePairingCrypto.ClientMac(Keys(k, dh), Hash), ClientMac);
    }
}
