using System.Globalization;
using System.Text.Json;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Tests.Linux;
using OpenDesk.Tests.Linux.Display;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// <c>serve --approve console</c> on a real desktop: reads are observations and pass unasked, except reads of
/// the serving home (its private key, its trust store), which a controller gets only with the user's yes; with no
/// terminal to ask on, it is refused with the reason.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HomeSecretsTests : IDisposable
{
    private const string Why = "which holds this desk's private key and trust store";

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"od-secrets-{Guid.NewGuid().ToString("N")[..8]}");

    [XvfbFact]
    public async Task A_gated_controller_cannot_read_the_desks_key_without_a_yes()
    {
        using var display = XvfbFixture.Create(800, 600);
        var server = new OpenDeskHome(Path.Combine(_root, "s"));
        var client = new OpenDeskHome(Path.Combine(_root, "c"));
        new TrustStore(server).Add(Identity.LoadOrCreate(client).PublicKey, "laptop", PeerRole.Controller);
        var serverKey = Identity.LoadOrCreate(server).PublicKeyHex;
        var port = LocalPorts.Free().ToString(CultureInfo.InvariantCulture);
        var ordinary = Path.Combine(_root, "notes.txt");
        File.WriteAllText(ordinary, "just notes");
        var link = Path.Combine(_root, "innocent");
        File.CreateSymbolicLink(link, server.Path);

        // Standard input is a pipe, not a terminal: every gated call is refused.
        using var serve = OpendeskCli.StartLongRunning(
            display.Env, "serve", "--home", server.Path, "--host", "127.0.0.1", "--port", port, "--approve", "console", "--no-mdns");
        await serve.WaitForOutputAsync("approve=console", 120);
        Assert.Contains("no TTY available", serve.Output, StringComparison.Ordinal);
        await using var remote = await RemoteComputer.ConnectAsync(
            $"ws://127.0.0.1:{port}#{serverKey}", new RemoteComputerOptions { Home = client.Path, AutoReconnect = false });

        // Observations of ordinary paths are still served without asking.
        Assert.Equal("just notes"u8.ToArray(), await remote.ReadFileAsync(ordinary));
        Assert.Contains(await remote.ListDirectoryAsync(_root), e => e.Name == "s");

        var key = Path.Combine(server.Path, "identity.key");
        var direct = await Assert.ThrowsAsync<PermissionDeniedException>(() => remote.ReadFileAsync(key));
        Assert.Equal($"laptop → read file: {key} (inside the opendesk home, {Why}): no TTY for interactive approval", direct.Detail);

        var throughLink = await Assert.ThrowsAsync<PermissionDeniedException>(() => remote.ReadFileAsync(Path.Combine(link, "identity.key")));
        Assert.Equal(
            $"laptop → read file: {Path.Combine(link, "identity.key")} (resolves to {key}, inside the opendesk home, {Why}): no TTY for interactive approval",
            throughLink.Detail);

        var throughProc = await Assert.ThrowsAsync<PermissionDeniedException>(() => remote.ReadFileAsync("/proc/self/root" + Path.Combine(server.Path, "trusted-peers.json")));
        Assert.Contains($"(resolves to {Path.Combine(server.Path, "trusted-peers.json")}, inside the opendesk home, {Why})", throughProc.Detail, StringComparison.Ordinal);

        var listing = await Assert.ThrowsAsync<PermissionDeniedException>(() => remote.ListDirectoryAsync(server.Path));
        Assert.Equal($"laptop → list {server.Path} (the opendesk home, {Why}): no TTY for interactive approval", listing.Detail);

        // The audit log tells the same story, in the same words.
        var calls = Directory.GetFiles(server.AuditDirectory).SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "call")
            .ToList();
        Assert.Contains(calls, c => c.GetProperty("summary").GetString() == $"read file: {ordinary}" && c.GetProperty("outcome").GetString() == "ok");
        Assert.Contains(calls, c => c.GetProperty("summary").GetString() == $"read file: {key} (inside the opendesk home, {Why})"
            && c.GetProperty("error_code").GetString() == "permission_denied");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
