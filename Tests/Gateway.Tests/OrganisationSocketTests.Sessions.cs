using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using FreedomCti.Presence.Gateway;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Presence sessions on the organisation socket: only the token's own user, with the right to set their presence.</summary>
public sealed partial class OrganisationSocketTests
{
    private static readonly TimeSpan SessionWait = TimeSpan.FromSeconds(15);

    private static bool Update(JsonObject m, string status) => (string?)m["type"] == "presence_update" && (string?)m["data"]!["status"] == status;

    [Fact]
    public async Task Session_ForAnotherUser_OrWithoutNamingOne_OrWithoutTheRight_IsRefused_AndTheSocketStaysOpen()
    {
        var sessions = await SessionTenant.CreateAsync(host);
        var orgPath = $"/organisation/{sessions.OrgId}";

        // A supervisor may set anyone's presence over REST, yet a socket holds only its own token's session.
        await using (var supervisor = await host.ConnectAsync(orgPath, GatewayHost.Token(sessions.OrgId, "u2", PresenceRoles.Supervisor)))
        {
            await supervisor.SendAsync(new { action = "session_open", userId = "u1", device = "desktop" });
            var error = await supervisor.ReceiveAsync();
            Assert.Equal(4000, (int)error["code"]!);
            Assert.Contains("userId must be 'u2'", (string?)error["description"]);
        }
        await using (var agent = await host.ConnectAsync(orgPath, GatewayHost.Token(sessions.OrgId, "u1", PresenceRoles.Agent)))
        {
            await agent.SendAsync(new { action = "session_open", device = "desktop" });
            var error = await agent.ReceiveAsync();
            Assert.Equal(4000, (int)error["code"]!);
            Assert.Contains("\"userId\": \"u1\"", (string?)error["description"]);
            Assert.True(await StillOpenAsync(agent));
        }
        // A token without a role reads presence but may not set it: no session, as on the user socket.
        await using (var reader = await host.ConnectAsync(orgPath, GatewayHost.Token(sessions.OrgId, "u1", "observer")))
        {
            await reader.SendAsync(new { action = "session_open", userId = "u1", device = "desktop" });
            var error = await reader.ReceiveAsync();
            Assert.Equal(4000, (int)error["code"]!);
            Assert.Contains("may set this user's presence", (string?)error["description"]);
        }
        Assert.Equal("offline", (string?)(await sessions.SnapshotAsync("u1"))["status"]);
    }
}

/// <summary>An organisation socket's session while the socket is open and after it closed, on a fake clock (leases run out when the test moves it).</summary>
[Collection(FakeClockGatewayCollection.Name)]
public sealed class OrganisationSocketSessionLeaseTests(FakeClockGatewayHost host)
{
    private static readonly TimeSpan SessionWait = TimeSpan.FromSeconds(15);

    private static bool Update(JsonObject m, string status) => (string?)m["type"] == "presence_update" && (string?)m["data"]!["status"] == status;

    [Fact]
    public async Task Session_ForTheTokensOwnUser_IsHeldOnTheSocket_AndEndsAsDisconnectedWhenItCloses()
    {
        var sessions = await SessionTenant.CreateAsync(host, leaseSeconds: 2, graceSeconds: 2);
        await using var watcher = await sessions.WatchAsync("u1");
        var desktop = await host.ConnectAsync($"/organisation/{sessions.OrgId}", GatewayHost.Token(sessions.OrgId, "u1", PresenceRoles.Agent));
        await desktop.SendAsync(new { action = "subscribe", orgId = sessions.OrgId, groupId = "g1" });
        await desktop.ReceiveForAsync("group:g1");

        await desktop.SendAsync(new { action = "session_open", userId = "u1", device = "desktop", status = "busy" });
        // The reply and the group's update it causes travel on separate lanes: either may come first.
        var found = await desktop.ReceiveEachAsync(SessionWait, m => (string?)m["type"] == "session_opened",
            m => m.Is("member_presence_update", "group:g1") && (string?)m["data"]!["status"] == "busy");
        var sessionId = (string)found[0]["sessionId"]!;
        var busy = await watcher.ReceiveUntilAsync(m => Update(m, "busy"), SessionWait);
        Assert.Equal("session", (string?)busy["data"]!["source"]);

        await desktop.SendAsync(new { action = "session_update", sessionId, status = "available", activity = true });
        await watcher.ReceiveUntilAsync(m => Update(m, "available"), SessionWait);
        // Longer than two leases (5 s, a second at a time): the session is held by the gateway's lease while the socket
        // is open; the user grain asks that lease when a third of the session's lease is left and extends it by a
        // lease, so after each second the lease runs at least a third of a lease more. Without that it would end at
        // the second 2.
        var metrics = host.Services.GetRequiredService<GatewayMetrics>();
        for (var second = 0; second < 5; second++)
        {
            var renewals = metrics.LeaseRenewals;
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            var atLeast = host.Clock.GetUtcNow() + TimeSpan.FromSeconds(2) / 3;
            // Each tick's renewal of the gateway's lease is awaited before the clock moves on: an advance while it is on
            // its way would make a gap of two seconds, a whole lease, and the holder check would rightly find it lapsed.
            await Poll.UntilAsync(() => metrics.LeaseRenewals > renewals, SessionWait, "the gateway to renew its lease");
            await Poll.UntilAsync(async () => await sessions.LeaseEndAsync("u1") >= atLeast, SessionWait, "the user grain to extend the socket's session");
        }
        Assert.True(await watcher.StaysQuietAsync(TimeSpan.FromMilliseconds(300)), "the session lapsed although its socket was open");

        await desktop.CloseAsync();
        await watcher.ReceiveUntilAsync(m => (string?)m["type"] == "presence_update" && (bool)m["data"]!["stale"]!, SessionWait);
        host.Clock.Advance(TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(100)); // the grace
        var offline = await watcher.ReceiveUntilAsync(m => Update(m, "offline"), SessionWait);
        Assert.Equal("expired", (string?)offline["data"]!["source"]);
        await desktop.DisposeAsync();
    }
}
