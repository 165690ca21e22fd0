using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Security;
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
    public async Task SessionOnOwnSocket_IsRenewedWhileOpen_AndGoesOfflineAfterGraceWhenTheSocketDrops()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 2);
        await using var watcher = await sessions.WatchAsync("u1");
        var desktop = await AgentSocketAsync(sessions, "u1");

        await desktop.SendAsync(new { action = "session_open", device = "desktop", status = "available" });
        var opened = await desktop.ReceiveAsync();
        Assert.Equal("session_opened", (string?)opened["type"]);
        Assert.StartsWith("s-", (string?)opened["sessionId"]);
        Assert.Equal(2000, (long)opened["leaseMs"]!);
        await watcher.ReceiveUntilAsync(m => Update(m, "available"), Wait);

        // Longer than two leases (5 s, a second at a time): the gateway's scan (every second) renews the session once a
        // third of the lease has passed since the last renewal, so after each second the lease was renewed at this
        // second or the one before, and runs at least a second more. Without renewals it would end at the second 2.
        for (var second = 0; second < 5; second++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            var atLeast = host.Clock.GetUtcNow() + TimeSpan.FromSeconds(1);
            await Poll.UntilAsync(async () => await LeaseEndAsync(sessions, "u1") >= atLeast, Wait, "the gateway to renew the socket's session");
        }
        Assert.True(await watcher.StaysQuietAsync(TimeSpan.FromMilliseconds(300)), "the session lapsed although its socket was open");

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

    private static async Task<DateTimeOffset> LeaseEndAsync(SessionTenant sessions, string userId) =>
        (DateTimeOffset)(await sessions.Tenant.GetAsync(sessions.SessionsPath(userId)))["sessions"]![0]!["expiresAt"]!;

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
