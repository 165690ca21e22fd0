using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using FreedomCti.Presence.Gateway;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Grains;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Presence sessions held in-band on the agent's own user socket (on a fake clock: leases run out when the test moves it).</summary>
[Collection(FakeClockGatewayCollection.Name)]
public sealed class SocketSessionTests(FakeClockGatewayHost host)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static bool Update(JsonObject m, string status) => (string?)m["type"] == "presence_update" && (string?)m["data"]!["status"] == status;

    private Task<PresenceSocket> AgentSocketAsync(SessionTenant sessions, string userId) =>
        host.ConnectAsync(sessions.Tenant.UserPath(userId), GatewayHost.Token(sessions.OrgId, userId, PresenceRoles.Agent));

    [Fact]
    public async Task SessionOnOwnSocket_IsKeptByTheGatewaysLease_WithoutPerSessionCalls_AndGoesOfflineAfterGraceWhenTheSocketDrops()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 2);
        await using var watcher = await sessions.WatchAsync("u1");
        var desktop = await AgentSocketAsync(sessions, "u1");
        var metrics = host.Services.GetRequiredService<GatewayMetrics>();
        var leases = host.Services.GetRequiredService<GatewayLeaseCache>();

        await desktop.SendAsync(new { action = "session_open", device = "desktop", status = "available" });
        var opened = await desktop.ReceiveAsync();
        Assert.Equal("session_opened", (string?)opened["type"]);
        Assert.StartsWith("s-", (string?)opened["sessionId"]);
        Assert.Equal(2000, (long)opened["leaseMs"]!);
        await watcher.ReceiveUntilAsync(m => Update(m, "available"), Wait);
        var checks = leases.Calls + leases.Cached;
        var perSessionCalls = -1L;

        // Four leases (8 s, a second at a time). The gateway renews its own lease at every scan (a third of the 2 s
        // lease is due each second), and the user grain asks that lease, through its silo's cache, when a third of the
        // session's lease is left, and extends it by a lease: after each second the lease runs at least a third of a
        // lease more. Without the holder checks it would end at the second 2; with the old per-session renewals the
        // gateway would have made a call per session every second.
        for (var second = 0; second < 8; second++)
        {
            var renewals = metrics.LeaseRenewals;
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            var atLeast = host.Clock.GetUtcNow() + TimeSpan.FromSeconds(2) / 3;
            // Each tick's renewal is awaited so the next one comes a second later: a longer gap would be a lapse.
            await Poll.UntilAsync(() => metrics.LeaseRenewals > renewals, Wait, "the gateway to renew its lease");
            await Poll.UntilAsync(async () => await sessions.LeaseEndAsync("u1") >= atLeast, Wait, "the user grain to extend the in-band session");
            // Counted from the first renewal on: that one may re-open sessions an earlier test left lapsed on this gateway.
            if (second == 0) perSessionCalls = metrics.SessionRenewals;
        }
        Assert.True(await watcher.StaysQuietAsync(TimeSpan.FromMilliseconds(300)), "the session lapsed although its socket was open");
        Assert.Equal("available", (string?)(await sessions.SnapshotAsync("u1"))["status"]);
        Assert.Equal(perSessionCalls, metrics.SessionRenewals); // no per-session call: the gateway's lease kept it
        Assert.True(leases.Calls + leases.Cached >= checks + 4, $"expected a holder check per two thirds of a lease, got {leases.Calls + leases.Cached - checks}");

        // The socket drops: stale at once, offline when the grace has passed.
        await desktop.CloseAsync();
        var stale = await watcher.ReceiveUntilAsync(m => (string?)m["type"] == "presence_update" && (bool)m["data"]!["stale"]!, Wait);
        Assert.Equal("available", (string?)stale["data"]!["status"]);
        host.Clock.Advance(TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(100));
        var offline = await watcher.ReceiveUntilAsync(m => Update(m, "offline"), Wait);
        Assert.Equal("expired", (string?)offline["data"]!["source"]);
        await desktop.DisposeAsync();
    }

    [Fact]
    public async Task AGatewayWhoseLeaseLapsed_ReopensItsSessions_WhichItsLeaseKeepsAgain()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 30);
        await using var desktop = await AgentSocketAsync(sessions, "u1");
        var metrics = host.Services.GetRequiredService<GatewayMetrics>();
        await desktop.SendAsync(new { action = "session_open", device = "desktop", status = "available" });
        Assert.Equal("session_opened", (string?)(await desktop.ReceiveAsync())["type"]);
        var renewals = metrics.LeaseRenewals;
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => metrics.LeaseRenewals > renewals, Wait, "the gateway to renew its lease");
        var reopens = metrics.SessionRenewals;

        // 3 s in one step, longer than the 2 s lease, without a renewal in between (as when the cluster was out of reach):
        // the user grain may have let the session go, so the gateway re-opens it once its renewal gets through again.
        host.Clock.Advance(TimeSpan.FromSeconds(3));
        await Poll.UntilAsync(() => metrics.SessionRenewals > reopens, Wait, "the gateway to re-open its lapsed session");

        // Held by the gateway's lease again from then on.
        for (var second = 0; second < 4; second++)
        {
            renewals = metrics.LeaseRenewals;
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            var atLeast = host.Clock.GetUtcNow() + TimeSpan.FromSeconds(2) / 3;
            await Poll.UntilAsync(() => metrics.LeaseRenewals > renewals, Wait, "the gateway to renew its lease");
            await Poll.UntilAsync(async () => await sessions.LeaseEndAsync("u1") >= atLeast, Wait, "the user grain to extend the re-opened session");
        }
        var user = await sessions.SnapshotAsync("u1");
        Assert.Equal(("available", false), ((string?)user["status"], (bool)user["stale"]!));
    }

    [Fact]
    public async Task ASocketClosingWhileItsUserGrainCannotBeReached_EndsItsSessionWhenItCan_TheGatewaysLeaseDoesNotKeepIt()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 30);
        await using var watcher = await sessions.WatchAsync("u1");
        // Another agent's session on this gateway keeps its lease renewed throughout, as on any busy gateway.
        await using var other = await AgentSocketAsync(sessions, "u2");
        await other.SendAsync(new { action = "session_open", device = "desktop", status = "available" });
        Assert.Equal("session_opened", (string?)(await other.ReceiveAsync())["type"]);
        var desktop = await AgentSocketAsync(sessions, "u1");
        await desktop.SendAsync(new { action = "session_open", device = "desktop", status = "available" });
        Assert.Equal("session_opened", (string?)(await desktop.ReceiveAsync())["type"]);
        await watcher.ReceiveUntilAsync(m => Update(m, "available"), Wait);

        // The socket closes while calls to the user grain fail as during its silo's death: the disconnect is rejected.
        var rejected = host.Faults.Rejected;
        host.Faults.RejectNext(host.Get<IGrainFactory>().GetGrain<IUserGrain>(PresenceIds.Key(sessions.OrgId, "u1")), calls: 2);
        await desktop.CloseAsync();
        await Poll.UntilAsync(() => host.Faults.Rejected > rejected, Wait, "a call to the user grain to be rejected");

        // The gateway keeps renewing its lease (for u2), which would keep u1's session alive for ever if it were left to
        // the lease; it tries the disconnect again at each scan instead, until it gets through: stale, grace running.
        // (A scan a second, on the fake clock: each step gives the retry a bounded real-time wait to show as stale.)
        JsonObject? stale = null;
        for (var second = 0; second < 5 && stale is null; second++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            try
            {
                stale = await watcher.ReceiveUntilAsync(m => (string?)m["type"] == "presence_update" && (bool)m["data"]!["stale"]!, TimeSpan.FromSeconds(3));
            }
            catch (TimeoutException)
            {
                // Not yet: the retry was rejected too, or comes at the next scan.
            }
        }
        Assert.NotNull(stale);
        Assert.Contains(host.Logs.Lines, l => l.Contains("socket session of user u1 failed", StringComparison.Ordinal));
        await desktop.DisposeAsync();
    }

    [Fact]
    public async Task ASessionAUserGrainOfTheVersionBeforeHoldersKeeps_IsRenewedOneByOne_AsThatVersionExpects()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 2);
        // During a rolling upgrade (silos still of the version before): the user grain knows no holder, answers none.
        host.Faults.DropSessionHolders(host.Get<IGrainFactory>().GetGrain<IUserGrain>(PresenceIds.Key(sessions.OrgId, "u1")));
        await using var watcher = await sessions.WatchAsync("u1");
        await using var desktop = await AgentSocketAsync(sessions, "u1");
        var metrics = host.Services.GetRequiredService<GatewayMetrics>();
        await desktop.SendAsync(new { action = "session_open", device = "desktop", status = "available" });
        Assert.Equal("session_opened", (string?)(await desktop.ReceiveAsync())["type"]);
        await watcher.ReceiveUntilAsync(m => Update(m, "available"), Wait);
        var calls = metrics.SessionRenewals;

        // Without per-session renewals it would end at the second 2, as nothing asks a holder it does not know.
        for (var second = 0; second < 5; second++)
        {
            var renewals = metrics.SessionRenewals;
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            // A heartbeat renews to now + the lease (the clock stands still until the next advance), a second later
            // than the lease ran before it: so the next advance waits until this tick's renewal has landed. An advance
            // while it is on its way would move the clock to the lease's end, racing the renewal against the lapse.
            var renewedTo = host.Clock.GetUtcNow() + TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1);
            await Poll.UntilAsync(() => metrics.SessionRenewals > renewals, Wait, "the gateway to renew the session");
            await Poll.UntilAsync(async () => await sessions.LeaseEndAsync("u1") >= renewedTo, Wait, "the user grain to extend the session");
        }
        Assert.True(await watcher.StaysQuietAsync(TimeSpan.FromMilliseconds(300)), "the session lapsed although its socket was open");
        Assert.True(metrics.SessionRenewals >= calls + 4, $"expected a renewal a second, got {metrics.SessionRenewals - calls}");
    }

    [Fact]
    public async Task SessionUpdate_ChangesStatus_AndSessionClose_LogsOut()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 30, graceSeconds: 30);
        await using var desktop = await AgentSocketAsync(sessions, "u1");
        await desktop.SubscribeUserAsync(sessions.OrgId, "u1");
        await desktop.ReceiveAsync();

        // A session reply and the presence update it causes travel separately: either may arrive first.
        await desktop.SendAsync(new { action = "session_open", device = "desktop", status = "available" });
        var (opened, _) = Pair(await desktop.ReceiveEachAsync(Wait, m => (string?)m["type"] == "session_opened", m => Update(m, "available")));
        var sessionId = (string)opened["sessionId"]!;

        await desktop.SendAsync(new { action = "session_update", sessionId, status = "busy", activity = true });
        var busy = await desktop.ReceiveUntilAsync(m => Update(m, "busy"), Wait);
        Assert.Equal("session", (string?)busy["data"]!["source"]);

        await desktop.SendAsync(new { action = "session_close", sessionId });
        var (closed, offline) = Pair(await desktop.ReceiveEachAsync(Wait, m => (string?)m["type"] == "session_closed", m => Update(m, "offline")));
        Assert.Equal(sessionId, (string?)closed["sessionId"]);
        Assert.Equal("logout", (string?)offline["data"]!["source"]);
    }

    private static (JsonObject First, JsonObject Second) Pair(JsonObject[] found) => (found[0], found[1]);

    [Fact]
    public async Task ManualWriteTheSessionOutranks_KeepsTheSessionsStatus_AndSaysSourceSession_OnTheSocketAndOverRest()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 30, graceSeconds: 30);
        await using var desktop = await AgentSocketAsync(sessions, "u1");
        await desktop.SubscribeUserAsync(sessions.OrgId, "u1");
        await desktop.ReceiveAsync();
        await desktop.SendAsync(new { action = "session_open", device = "desktop", status = "dnd" });
        var (_, dnd) = Pair(await desktop.ReceiveEachAsync(Wait, m => (string?)m["type"] == "session_opened", m => Update(m, "dnd")));
        Assert.Equal("session", (string?)dnd["data"]!["source"]);

        // A manual dnd ties with the session's dnd: the manual status wins the tie.
        await sessions.Tenant.SetPresenceAsync("u1", "dnd");
        var manual = await desktop.ReceiveUntilAsync(m => (string?)m["type"] == "presence_update" && (long)m["seq"]! > (long)dnd["seq"]!, Wait);
        Assert.Equal(("dnd", "manual"), ((string?)manual["data"]!["status"], (string?)manual["data"]!["source"]));

        // A manual busy loses to the session's dnd: the status stays, and what decides it is the session again.
        await sessions.Tenant.SetPresenceAsync("u1", "busy");
        var lost = await desktop.ReceiveUntilAsync(m => (string?)m["type"] == "presence_update" && (long)m["seq"]! > (long)manual["seq"]!, Wait);
        Assert.Equal(("dnd", "session"), ((string?)lost["data"]!["status"], (string?)lost["data"]!["source"]));
        var user = await sessions.SnapshotAsync("u1");
        Assert.Equal(("dnd", "session"), ((string?)user["status"], (string?)user["source"]));
        Assert.Equal((long)lost["seq"]!, (long)(await sessions.Tenant.GetAsync(sessions.Tenant.UserPath("u1")))["seq"]!);
    }

    [Fact]
    public async Task SessionMessages_OnSomeoneElsesSocket_GetAnErrorAndTheSocketStaysOpen()
    {
        var sessions = await SessionTenant.CreateAsync(host);
        await using var supervisor = await host.ConnectAsync(sessions.Tenant.UserPath("u1"));

        await supervisor.SendAsync(new { action = "session_open", device = "desktop" });
        var error = await supervisor.ReceiveAsync();

        Assert.Equal(4000, (int)error["code"]!);
        Assert.Contains("own user socket", (string?)error["description"]);
        await supervisor.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await supervisor.ReceiveAsync())["type"]);
    }

    [Fact]
    public async Task SessionMessages_WithATokenThatMayNotWritePresence_GetAnError_AndChangeNothing()
    {
        var sessions = await SessionTenant.CreateAsync(host);
        var before = await sessions.SnapshotAsync("u1");
        // Its own socket, but no known role ("observer" is ignored): such a token may watch, never write (docs/security.md).
        await using var reader = await host.ConnectAsync(sessions.Tenant.UserPath("u1"), GatewayHost.Token(sessions.OrgId, "u1", "observer"));

        await reader.SendAsync(new { action = "session_open", device = "desktop", status = "dnd" });
        var error = await reader.ReceiveUntilAsync(m => (string?)m["type"] == "error", Wait);

        Assert.Equal(4000, (int)error["code"]!);
        Assert.Contains("may set this user's presence", (string?)error["description"]);
        var after = await sessions.SnapshotAsync("u1");
        Assert.Equal((string?)before["status"], (string?)after["status"]);
        Assert.Empty((await sessions.Tenant.GetAsync($"{sessions.SessionsPath("u1")}"))["sessions"]!.AsArray());
    }

    [Theory]
    [InlineData("{\"action\":\"session_update\"}", "needs a \"sessionId\"")]
    [InlineData("{\"action\":\"session_open\",\"status\":\"ready\"}", "status must be one of")]
    [InlineData("{\"action\":\"session_update\",\"sessionId\":\"s-nope\"}", "Unknown session")]
    [InlineData("{\"action\":\"session_update\",\"sessionId\":\"s-1\",\"activity\":\"yes\"}", "activity is a boolean")]
    public async Task BadSessionMessages_GetAClearError(string frame, string expected)
    {
        var sessions = await SessionTenant.CreateAsync(host);
        await using var desktop = await AgentSocketAsync(sessions, "u1");

        await desktop.SendTextAsync(frame);
        var error = await desktop.ReceiveAsync();

        Assert.Equal("error", (string?)error["type"]);
        Assert.Contains(expected, (string?)error["description"]);
    }
}
