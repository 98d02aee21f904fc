using OpenDesk.Protocol;
using OpenDesk.Session;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Session;

/// <summary>A client and a server <see cref="Peer"/> joined by an in-memory transport after a real auth handshake.</summary>
internal sealed class ConnectedPeers : IAsyncDisposable
{
    private ConnectedPeers(Peer client, Peer server, InMemoryTransport clientTransport, InMemoryTransport serverTransport)
    {
        Client = client;
        Server = server;
        ClientTransport = clientTransport;
        ServerTransport = serverTransport;
    }

    public Peer Client { get; }

    public Peer Server { get; }

    public InMemoryTransport ClientTransport { get; }

    public InMemoryTransport ServerTransport { get; }

    public static async Task<ConnectedPeers> StartAsync(IRequestDispatcher? dispatcher, PeerOptions? options = null, HelloFrame? serverHello = null)
    {
        var (clientTransport, serverTransport) = InMemoryTransport.CreatePair();
        var (clientChannel, serverChannel) = await HandshakeAsync(clientTransport, serverTransport);
        var client = new Peer(clientChannel, options);
        var server = new Peer(serverChannel, options, dispatcher);
        serverHello ??= new HelloFrame(HelloFrame.ServerRole, "", new MsgMap(), new MsgMap { ["backend"] = "test" }, null);
        await Task.WhenAll(client.StartAsync(HelloFrame.Client()), server.StartAsync(serverHello));
        return new ConnectedPeers(client, server, clientTransport, serverTransport);
    }

    public static async Task<(SecureChannel Client, SecureChannel Server)> HandshakeAsync(IMessageTransport clientTransport, IMessageTransport serverTransport)
    {
        var serverKey = KeyPair.Generate();
        var clientKey = KeyPair.Generate();
        var serverSide = Task.Run(async () =>
        {
            var hello = await HandshakeMessage.ReceiveAsync(serverTransport, default, HandshakeMessage.AuthHello);
            return await AuthHandshake.RunServerAsync(serverTransport, serverKey, hello, _ => true, default);
        });
        var clientKeys = await AuthHandshake.RunClientAsync(clientTransport, clientKey, serverKey.PublicKey, default);
        return (new SecureChannel(clientTransport, clientKeys), new SecureChannel(serverTransport, await serverSide));
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
