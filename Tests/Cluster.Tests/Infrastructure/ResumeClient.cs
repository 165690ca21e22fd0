using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// One socket that subscribes (optionally with lastSeq) and hands the test every frame in order, so a test can check
/// exactly what a reconnecting client receives: "resumed" and the replay, or a snapshot.
/// </summary>
public sealed class ResumeClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _inbox = Channel.CreateUnbounded<JsonObject>();
    private Task _reader = Task.CompletedTask;

    private ResumeClient() { }

    public static async Task<ResumeClient> SubscribeAsync(GridApi api, int gateway, bool isUser, string id, long? lastSeq = null)
    {
        var client = new ResumeClient();
        var path = isUser ? api.UserPath(id) : api.GroupPath(id);
        var uri = new Uri(api.Gateways[gateway].WebSocket, $"{path}?access_token={Uri.EscapeDataString(api.Token)}");
        using (var connect = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await client._socket.ConnectAsync(uri, connect.Token);
        }
        var subscribe = new JsonObject { ["action"] = "subscribe", ["orgId"] = api.OrgId, [isUser ? "userId" : "groupId"] = id };
        if (lastSeq is { } seq) subscribe["lastSeq"] = seq;
        await client._socket.SendAsync(Encoding.UTF8.GetBytes(subscribe.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));
        client._reader = client.ReadAsync();
        return client;
    }

    public async Task<JsonObject> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            return await _inbox.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No frame arrived in time.");
        }
    }

    /// <summary>Frames already received, without waiting.</summary>
    public List<JsonObject> Drain()
    {
        var frames = new List<JsonObject>();
        while (_inbox.Reader.TryRead(out var frame)) frames.Add(frame);
        return frames;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                await _inbox.Writer.WriteAsync(JsonNode.Parse(message.ToArray())!.AsObject());
                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or JsonException)
        {
            // The socket ended; the test sees no more frames.
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token); }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { }
        }
        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Abort();
        _socket.Dispose();
    }
}
