using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Agent presence sessions over REST: leases, grace, several devices, idle, debounce (docs/presence-sessions.md).</summary>
/// <remarks>
/// On a fake clock: a test moves time on to just short of a deadline (nothing may happen yet, which <see cref="Quiet"/>
/// of real time shows), then past it (what is due happens: the grain's timer fires as the clock passes it).
/// </remarks>
[Collection(FakeClockGatewayCollection.Name)]
public sealed class SessionTests(FakeClockGatewayHost host)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>How long real time a socket must stay quiet after the clock was moved to just short of a deadline.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    /// <summary>How far short of, or past, a deadline the clock is moved (the grain's timer is set 5 ms past it).</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(100);

    private void Advance(TimeSpan by) => host.Clock.Advance(by);

    private static bool IsUpdate(JsonObject m) => (string?)m["type"] == "presence_update";
    private static string? Status(JsonObject m) => (string?)m["data"]!["status"];

    [Fact]
    public async Task Open_WhenOrganisationHasNoSessions_Is409()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);

        var response = await tenant.Http.PostAsJsonAsync($"{tenant.UserPath("u1")}/sessions", new { device = "desktop", status = "available" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("settings.sessions.enabled", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task VanishedDesktop_GoesStaleAfterLease_ThenOfflineAfterGrace_AndNotBefore()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 2);
        await using var watcher = await sessions.WatchAsync("u1");

        var (_, body, _) = await sessions.OpenAsync("u1", "desktop", "available");
        Assert.Equal("available", (string?)body["user"]!["status"]);
        Assert.Equal("session", (string?)body["user"]!["source"]);
        var available = await watcher.ReceiveUntilAsync(m => IsUpdate(m) && Status(m) == "available", Wait);
        Assert.False((bool)available["data"]!["stale"]!);

        // The desktop never heartbeats again: nothing before the 2 s lease ends, stale once it has.
        Advance(TimeSpan.FromSeconds(2) - Margin);
        Assert.True(await watcher.StaysQuietAsync(Quiet), "stale before the 2 s lease ran out");
        Advance(Margin * 2);
        var stale = await watcher.ReceiveUntilAsync(m => IsUpdate(m) && (bool)m["data"]!["stale"]!, Wait);
        Assert.Equal("available", Status(stale));
        Assert.NotNull((string?)stale["data"]!["lastConfirmedAt"]);

        // Nothing before lease + grace (4 s), offline once it has passed.
        Advance(TimeSpan.FromSeconds(2) - Margin * 2);
        Assert.True(await watcher.StaysQuietAsync(Quiet), "offline before lease + grace");
        Advance(Margin * 2);
        var offline = await watcher.ReceiveUntilAsync(m => IsUpdate(m) && Status(m) == "offline", Wait);

        Assert.Equal("expired", (string?)offline["data"]!["source"]);
        Assert.False((bool)offline["data"]!["stale"]!);
        Assert.Equal((long)stale["seq"]! + 1, (long)offline["seq"]!);
    }

    [Fact]
    public async Task Heartbeats_KeepTheSessionAlive()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 1);
        var (sessionId, _, _) = await sessions.OpenAsync("u1", "desktop", "busy");

        // 5 s, two and a half leases, with a heartbeat every 500 ms: a lapsed lease would answer a heartbeat 404.
        for (var i = 0; i < 10; i++)
        {
            var response = await sessions.HeartbeatAsync("u1", sessionId);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Advance(TimeSpan.FromMilliseconds(500)); // the heartbeat cadence
        }

        var user = await sessions.SnapshotAsync("u1");
        Assert.Equal("busy", (string?)user["status"]);
        Assert.False((bool)user["stale"]!);
    }

    [Fact]
    public async Task Heartbeat_AfterLeaseRanOut_Is404SoTheClientReopens()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 30);
        var (sessionId, _, _) = await sessions.OpenAsync("u1", "desktop", "available");

        Advance(TimeSpan.FromSeconds(2) + Margin);
        await Poll.UntilAsync(async () => (bool)(await sessions.SnapshotAsync("u1"))["stale"]!, Wait, "the lease to run out");

        Assert.Equal(HttpStatusCode.NotFound, (await sessions.HeartbeatAsync("u1", sessionId)).StatusCode);
        var (_, reopened, _) = await sessions.OpenAsync("u1", "desktop", "available");
        Assert.False((bool)reopened["user"]!["stale"]!);
    }

    [Fact]
    public async Task TwoDevices_HighestPrecedenceWins_AndLogoutOfOneFallsBackToTheOther()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 30);
        await sessions.OpenAsync("u1", "desktop", "available");

        var (phone, both, _) = await sessions.OpenAsync("u1", "softphone", "dnd");
        Assert.Equal("dnd", (string?)both["user"]!["status"]);
        Assert.Equal("session", (string?)both["user"]!["source"]);

        Assert.Equal(HttpStatusCode.NoContent, (await sessions.LogoutAsync("u1", phone)).StatusCode);
        var user = await sessions.SnapshotAsync("u1");
        Assert.Equal("available", (string?)user["status"]);
        Assert.Equal("dnd", (string?)user["previousStatus"]);
        var list = await sessions.Tenant.GetAsync(sessions.SessionsPath("u1"));
        Assert.Single(list["sessions"]!.AsArray());
    }

    [Fact]
    public async Task LogoutOfLastSession_IsOfflineAtOnce()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 30, graceSeconds: 30);
        var (id, _, _) = await sessions.OpenAsync("u1", "desktop", "available");

        Assert.Equal(HttpStatusCode.NoContent, (await sessions.LogoutAsync("u1", id)).StatusCode);

        var user = await sessions.SnapshotAsync("u1");
        Assert.Equal("offline", (string?)user["status"]);
        Assert.Equal("logout", (string?)user["source"]);
        Assert.False((bool)user["stale"]!);
    }

    [Fact]
    public async Task Idle_TurnsAvailableAway_AndActivityBringsItBack()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 30, idleSeconds: 2);
        await using var watcher = await sessions.WatchAsync("u1");
        var (id, _, _) = await sessions.OpenAsync("u1", "desktop", "available");
        await watcher.ReceiveUntilAsync(m => IsUpdate(m) && Status(m) == "available", Wait);

        Advance(TimeSpan.FromSeconds(2) - Margin);
        Assert.True(await watcher.StaysQuietAsync(Quiet), "away before the 2 s idle threshold");
        Advance(Margin * 2);
        var away = await watcher.ReceiveUntilAsync(m => IsUpdate(m) && Status(m) == "away", Wait);
        Assert.Equal("idle", (string?)away["data"]!["source"]);

        Assert.Equal(HttpStatusCode.OK, (await sessions.HeartbeatAsync("u1", id, activity: true)).StatusCode);
        var back = await watcher.ReceiveUntilAsync(m => IsUpdate(m) && Status(m) == "available", Wait);
        Assert.Equal("session", (string?)back["data"]!["source"]);
    }

    [Fact]
    public async Task Debounce_AChangeReversedWithinTheWindow_IsNeverPublished()
    {
        // The two heartbeats come at the same fake instant, well within the window.
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 30, debounceMs: 3000);
        var (id, _, _) = await sessions.OpenAsync("u1", "desktop", "available");
        Advance(TimeSpan.FromSeconds(3) + Margin);
        await Poll.UntilAsync(async () => (string?)(await sessions.SnapshotAsync("u1"))["status"] == "available", Wait, "the first status to settle");
        await using var watcher = await host.ConnectAsync(sessions.Tenant.UserPath("u1"));
        await watcher.SubscribeUserAsync(sessions.OrgId, "u1");
        var snapshot = await watcher.ReceiveAsync();

        await sessions.HeartbeatAsync("u1", id, status: "busy");
        await sessions.HeartbeatAsync("u1", id, status: "available");

        Advance(TimeSpan.FromSeconds(3.5));
        Assert.True(await watcher.StaysQuietAsync(Quiet), "a flicker was published");
        Assert.Equal((long)snapshot["seq"]!, (long)(await sessions.Tenant.GetAsync(sessions.Tenant.UserPath("u1")))["seq"]!);

        // A change that holds is published once the window has passed, not before.
        await sessions.HeartbeatAsync("u1", id, status: "busy");
        Advance(TimeSpan.FromSeconds(3) - Margin);
        Assert.True(await watcher.StaysQuietAsync(Quiet), "published within the debounce window");
        Advance(Margin * 2);
        var busy = await watcher.ReceiveUntilAsync(IsUpdate, Wait);
        Assert.Equal("busy", Status(busy));
    }

    [Fact]
    public async Task ManualStatus_OverRest_OverridesIdle()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 30, idleSeconds: 2);
        var (id, _, _) = await sessions.OpenAsync("u1", "desktop", "available");
        await sessions.Tenant.SetPresenceAsync("u1", "available", "Back at my desk");

        // Keep the session alive but idle for longer than the idle time (3.5 s, a heartbeat every 500 ms).
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await sessions.HeartbeatAsync("u1", id)).StatusCode);
            Advance(TimeSpan.FromMilliseconds(500)); // heartbeat cadence
        }

        var user = await sessions.SnapshotAsync("u1");
        Assert.Equal("available", (string?)user["status"]);
        Assert.Equal("manual", (string?)user["source"]);
        var list = await sessions.Tenant.GetAsync(sessions.SessionsPath("u1"));
        Assert.True((bool)list["sessions"]![0]!["idle"]!);
    }

    [Fact]
    public async Task IdleThresholdThatChangesNothing_StillLeavesTheLeaseTimed()
    {
        // The idle threshold (2 s) passes first and changes nothing, because a manual status overrides idle; the lease
        // (4 s) must still run out on time rather than at the next reminder a minute later.
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 4, graceSeconds: 30, idleSeconds: 2);
        await using var watcher = await sessions.WatchAsync("u1");
        await sessions.OpenAsync("u1", "desktop", "available");
        await sessions.Tenant.SetPresenceAsync("u1", "available", "At my desk");
        await watcher.ReceiveUntilAsync(m => IsUpdate(m) && (string?)m["data"]!["source"] == "manual", Wait);

        Advance(TimeSpan.FromSeconds(2) + Margin); // past the idle threshold
        Advance(TimeSpan.FromSeconds(2) - Margin * 2); // just short of the lease's end
        Assert.True(await watcher.StaysQuietAsync(Quiet), "something changed before the lease ran out");
        Assert.False((bool)(await sessions.SnapshotAsync("u1"))["stale"]!);
        Advance(Margin * 2);
        // Within a real bound far below the session reminder's minute: the timer, re-armed after the idle threshold, did it.
        var stale = await watcher.ReceiveUntilAsync(m => IsUpdate(m) && (bool)m["data"]!["stale"]!, Wait);

        Assert.Equal("available", Status(stale));
    }

    [Fact]
    public async Task StaleMember_IsFlaggedOnTheGroup()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 30);
        await using var board = await host.ConnectAsync(sessions.Tenant.GroupPath("g1"));
        await board.SubscribeGroupAsync(sessions.OrgId, "g1");
        await board.ReceiveAsync();

        await sessions.OpenAsync("u2", "desktop", "available");
        Advance(TimeSpan.FromSeconds(2) + Margin);

        var stale = await board.ReceiveUntilAsync(m => (string?)m["type"] == "member_presence_update" && m["data"]!["stale"] is not null, Wait);
        Assert.Equal("u2", (string?)stale["data"]!["userId"]);
        Assert.True((bool)stale["data"]!["stale"]!);
        var group = await sessions.Tenant.GetAsync(sessions.Tenant.GroupPath("g1"));
        var members = group["data"]!["members"]!.AsArray();
        Assert.True((bool)members.Single(m => (string?)m!["userId"] == "u2")!["stale"]!);
        Assert.Null(members.Single(m => (string?)m!["userId"] == "u1")!["stale"]);
    }

    [Fact]
    public async Task AgentMayManageOnlyTheirOwnSessions()
    {
        var sessions = await SessionTenant.CreateAsync(host);
        var agent = host.HttpWithToken(GatewayHost.Token(sessions.OrgId, "u1", PresenceRoles.Agent));

        var own = await agent.PostAsJsonAsync(sessions.SessionsPath("u1"), new { device = "desktop" });
        var other = await agent.PostAsJsonAsync(sessions.SessionsPath("u2"), new { device = "desktop" });

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Theory]
    [InlineData("{\"device\":\"\"}", "device")]
    [InlineData("{\"device\":\"d\",\"status\":\"ready\"}", "status")]
    [InlineData("{\"device\":\"d\",\"sessionId\":\"has space\"}", "sessionId")]
    public async Task Open_WithBadFields_Is400NamingTheField(string json, string field)
    {
        var sessions = await SessionTenant.CreateAsync(host);

        var response = await sessions.Tenant.Http.PostAsync(sessions.SessionsPath("u1"), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UserWithoutSessions_KeepsRestPresenceForever()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 1);

        var written = await sessions.Tenant.SetPresenceAsync("u3", "available");

        Assert.Equal("manual", (string?)written["data"]!["source"]);
        await using var watcher = await sessions.WatchAsync("u3");
        Advance(TimeSpan.FromSeconds(10)); // well past another user's lease + grace
        Assert.True(await watcher.StaysQuietAsync(Quiet), "a user without sessions changed on its own");
    }
}
