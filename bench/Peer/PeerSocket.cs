using System.Net.WebSockets;
using System.Threading.Channels;

namespace FreedomCti.Bench.Peer;

/// <summary>A peer's subscriber socket: a bounded queue (drops when full) and one writer, the least a correct server does.</summary>
internal sealed class PeerSocket(WebSocket socket)
{
    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    public bool Send(byte[] frame) => _outbox.Writer.TryWrite(frame);

    public async Task RunAsync()
    {
        var sending = SendLoopAsync();
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (WebSocketException)
        {
        }
        _outbox.Writer.TryComplete();
        await sending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync())
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
        }
    }
}
