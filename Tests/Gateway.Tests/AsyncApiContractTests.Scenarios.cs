using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>The scenarios that make the gateway send every kind of frame, and the validating receive helpers.</summary>
public sealed partial class AsyncApiContractTests
{
    /// <summary>A tenant (u1..u3, group g1 of all) whose organisation uses presence sessions.</summary>
    private async Task<TestTenant> SessionTenantAsync(int leaseSeconds = 30, int graceSeconds = 30)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await tenant.PutAsync($"/organisation/{tenant.OrgId}",
            new { name = "Sessions on", settings = new { sessions = new { enabled = true, leaseSeconds, graceSeconds } } });
        return tenant;
    }

    private async Task<Observed> RunEveryScenarioAsync()
    {
        var seen = new Observed();
        await UserScenarioAsync(seen);
        await GroupScenarioAsync(seen);
        await ClosingErrorsScenarioAsync(seen);
        await SessionScenarioAsync(seen);
        await OrganisationScenarioAsync(seen);
        return seen;
    }

    /// <summary>A user socket: pong, snapshot, changes (presence, call start), unsubscribed, token_refreshed, 4000 errors.</summary>
    private async Task UserScenarioAsync(Observed seen)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));

        await socket.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await ReceiveValidAsync(socket, seen))["type"]);

        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var snapshot = await ReceiveValidAsync(socket, seen);
        Assert.True((bool)snapshot["snapshot"]!);

        await tenant.SetPresenceAsync("u1", "busy", "Back in five");
        var change = await ReceiveValidAsync(socket, seen);
        Assert.False((bool)change["snapshot"]!);
        Assert.Equal("busy", (string?)change["data"]!["status"]);

        await tenant.PostAsync($"{tenant.UserPath("u1")}/calls", new { callId = "call-1", direction = "inbound", remoteParty = "+44 20 7946 0123" });
        var onCall = await ReceiveValidAsync(socket, seen);
        Assert.Equal("call-1", (string?)onCall["data"]!["activeCall"]!["callId"]);

        // Another client that saw everything but the last change resumes: "resumed", then exactly that change again.
        var missedSeq = (long)onCall["seq"]!;
        await using (var resuming = await host.ConnectAsync(tenant.UserPath("u1")))
        {
            await resuming.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "u1", lastSeq = missedSeq - 1 });
            var resumed = await ReceiveValidAsync(resuming, seen);
            Assert.Equal("resumed", (string?)resumed["type"]);
            Assert.Equal(1, (int)resumed["replayed"]!);
            var replayed = await ReceiveValidAsync(resuming, seen);
            Assert.Equal(missedSeq, (long)replayed["seq"]!);
        }

        await socket.SendAsync(new { action = "refresh_token", token = GatewayHost.Token(tenant.OrgId) });
        await ReceiveUntilValidAsync(socket, seen, "token_refreshed");

        await socket.SendAsync(new { action = "unsubscribe", orgId = tenant.OrgId, userId = "u1" });
        await ReceiveUntilValidAsync(socket, seen, "unsubscribed");

        // 4000 leaves the socket open: an unknown action, then refresh_token without a token.
        await socket.SendAsync(new { action = "explode" });
        Assert.Equal(4000, (int)(await ReceiveValidAsync(socket, seen))["code"]!);
        await socket.SendAsync(new { action = "refresh_token" });
        Assert.Equal(4000, (int)(await ReceiveValidAsync(socket, seen))["code"]!);
        await socket.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await ReceiveValidAsync(socket, seen))["type"]);
    }

    /// <summary>A group socket: snapshot, member changes (status, call start), a queue change, unsubscribed.</summary>
    private async Task GroupScenarioAsync(Observed seen)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var snapshot = await ReceiveValidAsync(socket, seen);
        Assert.Equal("group_presence_update", (string?)snapshot["type"]);
        Assert.True((bool)snapshot["snapshot"]!);

        await tenant.SetPresenceAsync("u1", "dnd");
        var member = await ReceiveUntilValidAsync(socket, seen, "member_presence_update");
        Assert.Equal("dnd", (string?)member["data"]!["status"]);

        await tenant.PostAsync($"{tenant.UserPath("u2")}/calls", new { callId = "call-2", direction = "outbound" });
        var onCall = await ReceiveUntilValidAsync(socket, seen, "member_presence_update");
        Assert.NotNull(onCall["data"]!["callDuration"]);

        await tenant.PostAsync($"{tenant.GroupPath("g1")}/queue/calls", new { callId = "q-1" });
        var queued = await ReceiveUntilValidAsync(socket, seen, "group_presence_update");
        Assert.False((bool)queued["snapshot"]!);
        Assert.Equal(1, (int)queued["data"]!["queueMetrics"]!["callsWaiting"]!);
        // The snapshot again, now with an on_call member carrying callDuration and a waiting call.
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await ReceiveUntilValidAsync(socket, seen, "group_presence_update");

        await socket.SendAsync(new { action = "unsubscribe", orgId = tenant.OrgId, groupId = "g1" });
        await ReceiveUntilValidAsync(socket, seen, "unsubscribed");
    }

    /// <summary>
    /// Sessions on the agent's own socket: session_opened, presence with source and lastConfirmedAt, session_closed, a
    /// 4000 for an unknown session; then a desktop that vanishes, which its group shows as a stale member.
    /// </summary>
    private async Task SessionScenarioAsync(Observed seen)
    {
        var tenant = await SessionTenantAsync(leaseSeconds: 30, graceSeconds: 30);
        await using var watcher = await host.ConnectAsync(tenant.GroupPath("g1"));
        await watcher.SubscribeGroupAsync(tenant.OrgId, "g1");
        await ReceiveValidAsync(watcher, seen);

        await using (var desktop = await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent)))
        {
            await desktop.SubscribeUserAsync(tenant.OrgId, "u1");
            await ReceiveValidAsync(desktop, seen);
            await desktop.SendAsync(new { action = "session_open", device = "desktop", status = "busy" });
            // The session reply and the presence update it causes may arrive in either order.
            JsonObject? opened = null, bySession = null;
            while (opened is null || bySession is null)
            {
                var frame = await ReceiveValidAsync(desktop, seen);
                if ((string?)frame["type"] == "session_opened") opened = frame;
                else if ((string?)frame["type"] == "presence_update") bySession ??= frame;
            }
            Assert.Equal("session", (string?)bySession["data"]!["source"]);

            await desktop.SendAsync(new { action = "session_update", sessionId = "s-not-mine" });
            Assert.Equal(4000, (int)(await ReceiveUntilValidAsync(desktop, seen, "error"))["code"]!);
            await desktop.SendAsync(new { action = "session_close", sessionId = (string)opened["sessionId"]! });
            await ReceiveUntilValidAsync(desktop, seen, "session_closed");
        }

        // A desktop that goes away without logging out: its member shows stale while the grace period runs.
        var vanishing = await host.ConnectAsync(tenant.UserPath("u2"), GatewayHost.Token(tenant.OrgId, "u2", PresenceRoles.Agent));
        await vanishing.SendAsync(new { action = "session_open", device = "desktop", status = "available" });
        await ReceiveUntilValidAsync(vanishing, seen, "session_opened");
        await vanishing.DisposeAsync();
        var stale = await ReceiveUntilValidAsync(watcher, seen, "member_presence_update",
            m => (string?)m["data"]!["userId"] == "u2" && m["data"]!["stale"] is not null);
        Assert.True((bool)stale["data"]!["stale"]!);
    }

    /// <summary>
    /// The organisation socket: users and groups on one socket, their snapshots and changes, a resume, errors naming a
    /// topic (unknown, access, the topic limit), unsubscribed, token_refreshed, and the token's own session.
    /// </summary>
    private async Task OrganisationScenarioAsync(Observed seen)
    {
        var tenant = await SessionTenantAsync();
        var max = host.Get<Microsoft.Extensions.Options.IOptions<Gateway.Limits.LimitsOptions>>().Value.MaxTopicsPerSocket;
        var extra = Enumerable.Range(1, max).Select(i => new { userId = $"x{i}", displayName = $"Extra {i}" }).ToArray();
        await tenant.PutAsync($"/organisation/{tenant.OrgId}/directory", new { users = extra, groups = Array.Empty<object>() });
        var orgPath = $"/organisation/{tenant.OrgId}";
        await using var socket = await host.ConnectAsync(orgPath, GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent));

        await socket.SendAsync(new { type = "ping" });
        await ReceiveUntilValidAsync(socket, seen, "pong");
        await socket.SubscribeUserAsync(tenant.OrgId, "u2");
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await ReceiveUntilValidAsync(socket, seen, "presence_update");
        await ReceiveUntilValidAsync(socket, seen, "group_presence_update");
        await tenant.SetPresenceAsync("u2", "away");
        await ReceiveUntilValidAsync(socket, seen, "member_presence_update");

        // Errors naming a topic: unknown, another organisation, a group the agent is not in.
        await tenant.PutAsync(tenant.GroupPath("g2"), new { groupName = "Not u1's", members = new[] { "u2" } });
        await socket.SubscribeUserAsync(tenant.OrgId, "nobody");
        Assert.Equal(4002, (int)(await ReceiveUntilValidAsync(socket, seen, "error"))["code"]!);
        await socket.SubscribeUserAsync("org-other", "u2");
        Assert.Equal(4001, (int)(await ReceiveUntilValidAsync(socket, seen, "error"))["code"]!);
        await socket.SubscribeGroupAsync(tenant.OrgId, "g2");
        Assert.Equal(4006, (int)(await ReceiveUntilValidAsync(socket, seen, "error"))["code"]!);

        await socket.SendAsync(new { action = "session_open", userId = "u1", device = "desktop" });
        var opened = await ReceiveUntilValidAsync(socket, seen, "session_opened");
        await socket.SendAsync(new { action = "session_close", sessionId = (string)opened["sessionId"]! });
        await ReceiveUntilValidAsync(socket, seen, "session_closed");
        await socket.SendAsync(new { action = "refresh_token", token = GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent) });
        await ReceiveUntilValidAsync(socket, seen, "token_refreshed");
        await socket.SendAsync(new { action = "unsubscribe", orgId = tenant.OrgId, groupId = "g1" });
        await ReceiveUntilValidAsync(socket, seen, "unsubscribed");

        // A resume on a second organisation socket, and the topic limit.
        await using var other = await host.ConnectAsync(orgPath);
        await other.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "u2", lastSeq = 0 });
        var answer = await ReceiveValidAsync(other, seen);
        Assert.True((string?)answer["type"] is "resumed" or "presence_update");
        for (var i = 1; i < max; i++) await other.SubscribeUserAsync(tenant.OrgId, $"x{i}");
        await other.SubscribeUserAsync(tenant.OrgId, $"x{max}");
        Assert.Equal(4009, (int)(await ReceiveUntilValidAsync(other, seen, "error", timeout: TimeSpan.FromSeconds(30)))["code"]!);
    }

    /// <summary>Error frames that close the socket: ids, token, group access, the organisation's limit, frame rules.</summary>
    private async Task ClosingErrorsScenarioAsync(Observed seen)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);

        await ExpectClosingErrorAsync(seen, await host.ConnectAsync("/organisation/org-unknown-x/user/u1"), 4001,
            s => s.SubscribeUserAsync("org-unknown-x", "u1"));
        await ExpectClosingErrorAsync(seen, await host.ConnectAsync(tenant.UserPath("nobody")), 4002,
            s => s.SubscribeUserAsync(tenant.OrgId, "nobody"));
        await ExpectClosingErrorAsync(seen, await host.ConnectAsync(tenant.GroupPath("no-group")), 4005,
            s => s.SubscribeGroupAsync(tenant.OrgId, "no-group"));
        await ExpectClosingErrorAsync(seen, await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Tokens.Expired(tenant.OrgId)), 4003);
        await ExpectClosingErrorAsync(seen,
            await host.ConnectAsync(tenant.GroupPath("g1"), GatewayHost.Token(tenant.OrgId, "outsider", PresenceRoles.Agent)), 4006,
            s => s.SubscribeGroupAsync(tenant.OrgId, "g1"));
        await ExpectClosingErrorAsync(seen, await host.ConnectAsync(tenant.UserPath("u1")), 1003,
            s => s.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary));
        await ExpectClosingErrorAsync(seen, await host.ConnectAsync(tenant.UserPath("u1")), 1009,
            s => s.SendTextAsync("{\"type\":\"ping\",\"pad\":\"" + new string('x', 5000) + "\"}"));
        await ExpectClosingErrorAsync(seen, await host.ConnectAsync(tenant.UserPath("u1")), 1008, async s =>
        {
            for (var i = 0; i < 40 && s.State == WebSocketState.Open; i++)
            {
                try { await s.SendTextAsync("{\"type\":\"ping\"}"); }
                catch (WebSocketException) { break; } // closed under us: the limit was hit
            }
        });

        // The organisation's limit: one socket allowed, the second is refused with 4008.
        var limited = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var put = await limited.Http.PutAsJsonAsync($"/organisation/{limited.OrgId}", new { name = "Limited", settings = new { maxConnections = 1 } });
        put.EnsureSuccessStatusCode();
        await using var first = await host.ConnectAsync(limited.UserPath("u1"));
        await first.SubscribeUserAsync(limited.OrgId, "u1");
        await ReceiveValidAsync(first, seen);
        await ExpectClosingErrorAsync(seen, await host.ConnectAsync(limited.UserPath("u1")), 4008);
    }

    private static async Task ExpectClosingErrorAsync(Observed seen, PresenceSocket socket, int code, Func<PresenceSocket, Task>? provoke = null)
    {
        await using (socket)
        {
            if (provoke is not null) await provoke(socket);
            var error = await ReceiveUntilValidAsync(socket, seen, "error");
            Assert.Equal(code, (int)error["code"]!);
            await socket.ExpectCloseAsync(code, (string)error["message"]!);
        }
    }

    /// <summary>The next frame, which must match the document.</summary>
    private static async Task<JsonObject> ReceiveValidAsync(PresenceSocket socket, Observed seen)
    {
        var frame = await socket.ReceiveAsync();
        var problems = Doc.ValidateReceived(frame, Doc.ChannelOf(socket.Address.AbsolutePath));
        Assert.True(problems.Count == 0, $"{frame.ToJsonString()}\ndoes not match docs/asyncapi.yaml:\n{string.Join('\n', problems)}");
        seen.Types.Add((string)frame["type"]!);
        if (frame["code"] is { } code) seen.ErrorCodes.Add((int)code);
        return frame;
    }

    /// <summary>Frames until one of <paramref name="type"/>; every frame on the way must match the document too.</summary>
    private static async Task<JsonObject> ReceiveUntilValidAsync(PresenceSocket socket, Observed seen, string type, Func<JsonObject, bool>? match = null,
        TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? PresenceSocket.DefaultWait);
        while (DateTime.UtcNow < deadline)
        {
            var frame = await ReceiveValidAsync(socket, seen);
            if ((string?)frame["type"] == type && (match is null || match(frame))) return frame;
        }
        throw new TimeoutException($"No {type} frame arrived in time.");
    }
}
