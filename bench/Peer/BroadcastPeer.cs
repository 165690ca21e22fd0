using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace FreedomCti.Bench.Peer;

/// <summary>
/// The floor for a .NET gateway: a minimal Kestrel WebSocket broadcast server. POST /pub/{channel} sends the body to
/// every socket of GET /sub/{channel}, each through its own bounded queue and single writer (the least a correct
/// server must do). PUT /noop/... answers a user-document-sized body doing no work (the ceiling for REST writes).
/// </summary>
public static class BroadcastPeer
{
    private static readonly byte[] NoopAnswer = System.Text.Encoding.UTF8.GetBytes(
        """{"type":"presence_update","timestamp":"2026-01-01T00:00:00.000Z","seq":1,"snapshot":true,"data":{"userId":"u1","orgId":"bench","displayName":"User 1","status":"busy","previousStatus":"available","statusMessage":null,"lastActivity":"2026-01-01T00:00:00.000Z","activeCall":null,"extension":"10001","capabilities":{"canReceiveCalls":true,"canMakeOutbound":true,"canTransfer":true}}}""");

    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.UseWebSockets();
        var channels = new ConcurrentDictionary<string, ConcurrentDictionary<PeerSocket, byte>>();

        app.MapGet("/health", () => "ok");
        app.MapGet("/sub/{channel}", async (HttpContext context, string channel) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest();
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var peer = new PeerSocket(socket);
            var set = channels.GetOrAdd(channel, _ => new());
            set[peer] = 0;
            try { await peer.RunAsync(); }
            finally { set.TryRemove(peer, out _); }
            return Results.Empty;
        });
        app.MapPost("/pub/{channel}", async (HttpContext context, string channel) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var frame = body.ToArray();
            var sent = 0;
            if (channels.TryGetValue(channel, out var set))
            {
                // One fan-out at a time per channel, as the gateway does per topic: two publishes that overlap (one
                // stalled mid-loop by a GC or the scheduler) must not reach some sockets in the other order.
                lock (set)
                {
                    foreach (var peer in set.Keys) if (peer.Send(frame)) sent++;
                }
            }
            return Results.Text($"{{\"sent\":{sent}}}", "application/json");
        });
        app.MapPut("/noop/{user}/presence", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            return Results.Bytes(NoopAnswer, "application/json");
        });
        await app.RunAsync();
        return 0;
    }
}
