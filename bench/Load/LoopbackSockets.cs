using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace FreedomCti.Bench.Load;

/// <summary>
/// Opens client WebSockets from many loopback source addresses (127.0.0.2 and up), so that tens of thousands of
/// connections to one server port never run out of ephemeral ports. Only 127.0.0.0/8 is ever dialled.
/// </summary>
public sealed class LoopbackSockets : IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;
    private readonly int _addressCount;
    private readonly int? _receiveBufferBytes;
    private int _next;

    /// <param name="firstAddress">Offset of the first source address (processes use disjoint ranges).</param>
    /// <param name="receiveBufferBytes">A small kernel receive buffer makes a stalled reader back up quickly.</param>
    public LoopbackSockets(int firstAddress = 0, int addressCount = 50, int? receiveBufferBytes = null)
    {
        _next = firstAddress;
        _addressCount = addressCount;
        _receiveBufferBytes = receiveBufferBytes;
        _handler = new SocketsHttpHandler { ConnectCallback = ConnectAsync, UseProxy = false };
        _invoker = new HttpMessageInvoker(_handler);
    }

    public async Task<ClientWebSocket> OpenAsync(Uri uri, CancellationToken cancellation)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // the server pings; the client only answers
        socket.Options.SetBuffer(16 * 1024, 1024);
        await socket.ConnectAsync(uri, _invoker, cancellation);
        return socket;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var host = context.DnsEndPoint.Host;
        if (!IPAddress.TryParse(host, out var remote) || !remote.ToString().StartsWith("127.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The bench only dials loopback (127.0.0.0/8), not '{host}'.");
        }
        var slot = (uint)Interlocked.Increment(ref _next) % (uint)_addressCount;
        var local = new IPAddress(new byte[] { 127, 0, (byte)(slot / 250), (byte)(2 + slot % 250) });
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (_receiveBufferBytes is { } size) socket.ReceiveBufferSize = size;
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(new IPEndPoint(remote, context.DnsEndPoint.Port), cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _invoker.Dispose();
        _handler.Dispose();
    }
}
