using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>
/// Presence sessions when processes die: a desktop that vanishes goes offline after lease + grace (and not before),
/// also when the silo holding its user grain is killed and when the gateway holding its socket is killed (then within a
/// gateway lease + a session lease of the gateway's last renewal, plus grace: in-band sessions are kept by the
/// gateway's one lease, not renewed one by one).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionLeaseTests(Azurite storage, ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(5);

    /// <summary>How long the grid takes to declare a killed silo dead, with GridCluster's membership timings (generous).</summary>
    private static readonly TimeSpan Detection = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SiloAndGatewayKilled_VanishedSessionsGoOfflineAfterLeaseAndGrace_LiveOnesStay()
    {
        await using var grid = new GridCluster(storage, output);
        grid.ExtraArgs.Add($"--Cluster:SessionSweepPeriod={Sweep:c}");
        try
        {
            await grid.StartAsync(silos: 3, gateways: 2);
            var api = grid.Api($"org-{Guid.NewGuid():N}");
            await api.CreateTenantAsync(users: 20, new Dictionary<string, string[]>());
            await api.OkAsync(HttpMethod.Put, $"/organisation/{api.OrgId}", new
            {
                name = "Cluster Test Org",
                settings = new { sessions = new { enabled = true, leaseSeconds = (int)Lease.TotalSeconds, graceSeconds = (int)Grace.TotalSeconds, debounceMs = 0 } },
            });

            // u1..u3 watched by polling, u4..u15 never looked at until the end (only the reminder can expire them),
            // u16..u18 keep heartbeating (u16 from two devices), u19 holds its session in-band on gateway 1's socket.
            var opened = new Dictionary<string, long>();
            var sessionIds = new Dictionary<string, List<string>>();
            // Taken before each request: the lease starts inside it, so "not before" is measured from an earlier time.
            for (var i = 1; i <= 18; i++)
            {
                var sentAt = Stopwatch.GetTimestamp();
                var (status, body) = await api.SendAsync(1, HttpMethod.Post, $"{api.UserPath($"u{i}")}/sessions", new { device = "desktop", status = "available" });
                Assert.True(status == HttpStatusCode.Created, $"open u{i}: {status} {body}");
                opened[$"u{i}"] = sentAt;
                sessionIds[$"u{i}"] = [(string)body!["session"]!["sessionId"]!];
            }
            var (phoneStatus, phone) = await api.SendAsync(1, HttpMethod.Post, $"{api.UserPath("u16")}/sessions", new { device = "softphone", status = "dnd" });
            Assert.True(phoneStatus == HttpStatusCode.Created, $"open u16's softphone: {phoneStatus} {phone}");
            Assert.Equal("dnd", (string?)phone!["user"]!["status"]); // two devices, one status: dnd outranks available
            sessionIds["u16"].Add((string)phone["session"]!["sessionId"]!);
            opened["u19"] = Stopwatch.GetTimestamp();
            using var desktop = await OpenInBandSessionAsync(grid, api, "u19");

            var killedAt = Stopwatch.GetTimestamp();
            await Task.WhenAll(grid.Silos[1].KillAsync(), grid.Gateways[0].KillAsync());
            output.WriteLine("killed silo2 and gateway1");

            using var heartbeats = new CancellationTokenSource();
            var alive = HeartbeatAsync(api, ["u16", "u17", "u18"], sessionIds, heartbeats.Token);

            // Watched users: never stale before the lease, never offline before lease + grace.
            var firstStale = new Dictionary<string, TimeSpan>();
            var firstOffline = new Dictionary<string, TimeSpan>();
            await Poll.UntilAsync(async () =>
            {
                foreach (var user in new[] { "u1", "u2", "u3", "u19" }.Where(u => !firstOffline.ContainsKey(u)))
                {
                    var (status, body) = await api.SendAsync(1, HttpMethod.Get, api.UserPath(user));
                    if (status != HttpStatusCode.OK) continue;
                    var data = body!["data"]!;
                    var since = Stopwatch.GetElapsedTime(opened[user]);
                    if ((bool)data["stale"]! && !firstStale.ContainsKey(user)) firstStale[user] = since;
                    if ((string?)data["status"] == "offline") firstOffline[user] = since;
                }
                return firstOffline.Count == 4;
            }, Lease + Grace + Sweep + TimeSpan.FromSeconds(40), "the watched vanished sessions to go offline");

            foreach (var (user, at) in firstStale) Assert.True(at >= Lease, $"{user} stale after {at}, before the lease");
            foreach (var (user, at) in firstOffline) Assert.True(at >= Lease + Grace, $"{user} offline after {at}, before lease + grace");
            // u19's gateway was killed right after the open: its session ends within a gateway lease + a session lease
            // (both the organisation's lease) of the gateway's last renewal, then the grace (docs/presence-sessions.md).
            // The silo killed with it may have held u19's user grain or the gateway's lease grain; either comes back
            // with a full lease, a sweep period (the reminder) or a holder check (two thirds of a lease) after the kill,
            // once the silo is declared dead.
            var inBandBound = Lease + Lease + Grace + Sweep + Lease * 2 / 3 + Detection;
            Assert.True(firstOffline["u19"] <= inBandBound, $"u19 (in-band, gateway killed) offline after {firstOffline["u19"]}, later than {inBandBound}");

            // Unwatched users: by now every one is offline, and went offline on its own (reminder or timer), before we looked.
            await Poll.UntilAsync(() => Stopwatch.GetElapsedTime(killedAt) > Lease + Grace + Sweep * 2 + TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), "the sweep bound to pass");
            var lookedAt = DateTimeOffset.UtcNow;
            for (var i = 4; i <= 15; i++)
            {
                var user = await api.GetUserAsync($"u{i}");
                Assert.Equal("offline", (string?)user["data"]!["status"]);
                Assert.Equal("expired", (string?)user["data"]!["source"]);
                var changedAt = DateTimeOffset.Parse((string)user["timestamp"]!);
                Assert.True(lookedAt - changedAt > TimeSpan.FromSeconds(2), $"u{i} went offline only when looked at ({changedAt:O} vs {lookedAt:O})");
            }

            heartbeats.Cancel();
            var renewals = await alive;
            for (var i = 16; i <= 18; i++)
            {
                var user = await api.GetUserAsync($"u{i}");
                Assert.Equal(i == 16 ? "dnd" : "available", (string?)user["data"]!["status"]);
                Assert.Equal("session", (string?)user["data"]!["source"]);
                Assert.False((bool)user["data"]!["stale"]!);
            }
            output.WriteLine($"[sessions] stale after {string.Join(", ", firstStale.Select(kv => $"{kv.Key} {kv.Value.TotalSeconds:F1}s"))}");
            output.WriteLine($"[sessions] offline after {string.Join(", ", firstOffline.Select(kv => $"{kv.Key} {kv.Value.TotalSeconds:F1}s"))} (lease {Lease.TotalSeconds}s + grace {Grace.TotalSeconds}s)");
            output.WriteLine($"[sessions] 12 unwatched users offline by the sweep bound; {renewals} heartbeats kept 3 users (one on two devices) as they were through the kills");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    /// <summary>An agent's desktop socket on gateway 0 that opens its session in-band.</summary>
    private static async Task<ClientWebSocket> OpenInBandSessionAsync(GridCluster grid, GridApi api, string userId)
    {
        var socket = new ClientWebSocket();
        var token = grid.Tokens.Mint(api.OrgId, userId, "system", "admin");
        await socket.ConnectAsync(new Uri(grid.Gateways[0].WebSocket, $"{api.UserPath(userId)}?access_token={Uri.EscapeDataString(token)}"), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));
        var open = Encoding.UTF8.GetBytes("{\"action\":\"session_open\",\"device\":\"desktop\",\"status\":\"available\"}");
        await socket.SendAsync(open, WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var reply = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, received.Count))!;
        Assert.Equal("session_opened", (string?)reply["type"]);
        return socket;
    }

    /// <summary>Heartbeats every second through any live gateway, as a desktop would; a 404 (lease lost) fails the test.</summary>
    private static async Task<int> HeartbeatAsync(GridApi api, string[] users, Dictionary<string, List<string>> sessionIds, CancellationToken stop)
    {
        var sent = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var (user, sessionId) in users.SelectMany(u => sessionIds[u].Select(id => (u, id))))
                {
                    var (status, body) = await api.SendAsync(1, HttpMethod.Post, $"{api.UserPath(user)}/sessions/{sessionId}/heartbeat", new { });
                    Assert.NotEqual(HttpStatusCode.NotFound, status);
                    if (status == HttpStatusCode.OK) sent++;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        return sent;
    }
}
