using System.Net;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// The organisation socket (/organisation/{orgId}): many users and groups on one real socket. Every frame is the
/// topic's own frame, each topic keeps its seq, snapshot and resume, and what concerns one topic (a refusal, an end)
/// is an error frame naming it while the socket and its other topics go on.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class OrganisationSocketTests(GatewayHost host)
{
    private static string OrgPath(TestTenant tenant) => $"/organisation/{tenant.OrgId}";

    private Task<PresenceSocket> ConnectAsync(TestTenant tenant, string? token = null) => host.ConnectAsync(OrgPath(tenant), token);

    private static Task SubscribeAsync(PresenceSocket socket, TestTenant tenant, string? userId = null, string? groupId = null, long? lastSeq = null) =>
        socket.SendAsync(new Dictionary<string, object?>
        {
            ["action"] = "subscribe", ["orgId"] = tenant.OrgId, ["userId"] = userId, ["groupId"] = groupId, ["lastSeq"] = lastSeq,
        }.Where(p => p.Value is not null).ToDictionary());

    private static async Task<bool> StillOpenAsync(PresenceSocket socket)
    {
        await socket.SendAsync(new { type = "ping" });
        return (string?)(await socket.ReceiveUntilAsync(m => (string?)m["type"] is "pong" or "error")) ["type"] == "pong";
    }

    [Fact]
    public async Task UsersAndGroups_OnOneSocket_EachGetsItsOwnSnapshot_ThenItsOwnChangesInSeqOrder()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await using var socket = await ConnectAsync(tenant);

        await SubscribeAsync(socket, tenant, userId: "u1");
        await SubscribeAsync(socket, tenant, userId: "u2");
        await SubscribeAsync(socket, tenant, groupId: "g1");
        var snapshots = await socket.ReceiveOneEachAsync("user:u1", "user:u2", "group:g1");

        Assert.All(snapshots.Values, s => Assert.True((bool)s["snapshot"]!));
        Assert.Equal("presence_update", (string?)snapshots["user:u1"]["type"]);
        Assert.Equal("group_presence_update", (string?)snapshots["group:g1"]["type"]);
        // The same document REST serves (a user who does not change has a stable seq).
        var rest = await tenant.GetAsync(tenant.UserPath("u2"));
        Assert.Equal((long)rest["seq"]!, (long)snapshots["user:u2"]["seq"]!);
        Assert.Equal(rest["data"]!.ToJsonString(), snapshots["user:u2"]["data"]!.ToJsonString());

        await tenant.SetPresenceAsync("u1", "busy");
        await tenant.SetPresenceAsync("u1", "away");
        await tenant.SetPresenceAsync("u3", "dnd");
        // Each topic's frames continue its own seq, one higher each, whatever the others do in between.
        var seqs = snapshots.ToDictionary(s => s.Key, s => (long)s.Value["seq"]!);
        var seen = new List<string>();
        // Until the last change of each topic: topics are ordered each by its own seq, never one against another.
        while (!seen.Contains("group:g1 u3 dnd") || !seen.Contains("user:u1 u1 away"))
        {
            var frame = await socket.ReceiveAsync();
            var topic = TopicFrames.TopicOf(frame)!;
            Assert.NotEqual("user:u2", topic);
            Assert.Equal(seqs[topic] + 1, (long)frame["seq"]!);
            seqs[topic] = (long)frame["seq"]!;
            seen.Add($"{topic} {(string?)frame["data"]!["userId"]} {(string?)frame["data"]!["status"]}");
        }
        Assert.Equal(["user:u1 u1 busy", "user:u1 u1 away"], seen.Where(s => s.StartsWith("user:")));
        Assert.Equal(["group:g1 u1 busy", "group:g1 u1 away", "group:g1 u3 dnd"], seen.Where(s => s.StartsWith("group:g1 u")).TakeLast(3));
    }

    [Fact]
    public async Task ChangeFrames_AreByteForByteWhatTheTopicsOwnSocketGets()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await using var organisation = await ConnectAsync(tenant);
        await using var groupSocket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await SubscribeAsync(organisation, tenant, groupId: "g1");
        await organisation.ReceiveForAsync("group:g1");
        await groupSocket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await groupSocket.ReceiveAsync();

        await tenant.SetPresenceAsync("u2", "on_call");

        Assert.Equal((await groupSocket.ReceiveAsync()).ToJsonString(), (await organisation.ReceiveForAsync("group:g1")).ToJsonString());
    }

    [Fact]
    public async Task Unsubscribe_StopsOnlyThatTopic_AndIsAcknowledgedByName()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2, withGroup: false);
        await using var socket = await ConnectAsync(tenant);
        await SubscribeAsync(socket, tenant, userId: "u1");
        await SubscribeAsync(socket, tenant, userId: "u2");
        await socket.ReceiveOneEachAsync("user:u1", "user:u2");

        await socket.SendAsync(new { action = "unsubscribe", orgId = tenant.OrgId, userId = "u1" });
        var ack = await socket.ReceiveAsync();
        Assert.Equal("unsubscribed", (string?)ack["type"]);
        Assert.Equal("u1", (string?)ack["userId"]);
        Assert.Equal(tenant.OrgId, (string?)ack["orgId"]);

        await tenant.SetPresenceAsync("u1", "busy");
        await tenant.SetPresenceAsync("u2", "busy");
        var next = await socket.ReceiveAsync();
        Assert.Equal("user:u2", TopicFrames.TopicOf(next));

        // Subscribing again: a fresh snapshot, then its changes again.
        await SubscribeAsync(socket, tenant, userId: "u1");
        var again = await socket.ReceiveForAsync("user:u1");
        Assert.True((bool)again["snapshot"]!);
        Assert.Equal("busy", (string?)again["data"]!["status"]);
    }

    [Fact]
    public async Task Resume_IsPerTopic_EachWithItsOwnLastSeq()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        Dictionary<string, JsonObject> seen;
        await using (var first = await ConnectAsync(tenant))
        {
            await SubscribeAsync(first, tenant, userId: "u1");
            await SubscribeAsync(first, tenant, userId: "u2");
            await SubscribeAsync(first, tenant, groupId: "g1");
            seen = await first.ReceiveOneEachAsync("user:u1", "user:u2", "group:g1");
        }
        await using var watcher = await host.ConnectAsync(tenant.UserPath("u1"));
        await watcher.SubscribeUserAsync(tenant.OrgId, "u1");
        await watcher.ReceiveAsync();
        await tenant.SetPresenceAsync("u1", "busy");
        await tenant.SetPresenceAsync("u1", "dnd");
        var missed = new[] { await watcher.ReceiveAsync(), await watcher.ReceiveAsync() };

        await using var socket = await ConnectAsync(tenant);
        await SubscribeAsync(socket, tenant, userId: "u1", lastSeq: (long)seen["user:u1"]["seq"]!);
        await SubscribeAsync(socket, tenant, userId: "u2", lastSeq: (long)seen["user:u2"]["seq"]!);
        await SubscribeAsync(socket, tenant, groupId: "g1", lastSeq: (long)seen["group:g1"]["seq"]!);

        var u1 = await socket.ReceiveForAsync("user:u1");
        Assert.Equal("resumed", (string?)u1["type"]);
        Assert.Equal(2, (int)u1["replayed"]!);
        foreach (var frame in missed) Assert.Equal(frame.ToJsonString(), (await socket.ReceiveForAsync("user:u1")).ToJsonString());
        var u2 = await socket.ReceiveForAsync("user:u2");
        Assert.Equal("resumed", (string?)u2["type"]);
        Assert.Equal(0, (int)u2["replayed"]!);
        var g1 = await socket.ReceiveForAsync("group:g1");
        Assert.Equal("resumed", (string?)g1["type"]);
        Assert.Equal(2, (int)g1["replayed"]!);
        Assert.Equal("member_presence_update", (string?)(await socket.ReceiveForAsync("group:g1"))["type"]);
    }

    [Fact]
    public async Task Agent_OnAGroupTheyAreNotIn_GetsAnErrorNamingTheGroup_TheSocketAndItsOtherTopicsGoOn()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await tenant.PutAsync(tenant.GroupPath("g2"), new { groupName = "Without u1", members = new[] { "u2", "u3" } });
        await using var socket = await ConnectAsync(tenant, GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent));

        await SubscribeAsync(socket, tenant, groupId: "g2");
        var error = await socket.ReceiveAsync();
        AssertTopicError(error, 4006, "GROUP_ACCESS_DENIED", tenant.OrgId, "groupId", "g2");

        await SubscribeAsync(socket, tenant, groupId: "g1");
        Assert.True((bool)(await socket.ReceiveForAsync("group:g1"))["snapshot"]!);
        await SubscribeAsync(socket, tenant, userId: "u3"); // anyone of the organisation may watch any user
        Assert.True((bool)(await socket.ReceiveForAsync("user:u3"))["snapshot"]!);
        Assert.True(await StillOpenAsync(socket));
    }

    [Fact]
    public async Task Agent_TakenOutOfAGroup_LosesOnlyThatSubscription_With4006NamingIt()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await using var socket = await ConnectAsync(tenant, GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent));
        await SubscribeAsync(socket, tenant, groupId: "g1");
        await SubscribeAsync(socket, tenant, userId: "u2");
        await socket.ReceiveOneEachAsync("group:g1", "user:u2");

        var removed = await tenant.Http.DeleteAsync($"{tenant.GroupPath("g1")}/members/u1");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);

        var error = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "error");
        AssertTopicError(error, 4006, "GROUP_ACCESS_DENIED", tenant.OrgId, "groupId", "g1");
        Assert.Contains("no longer a member", (string?)error["description"]);
        await tenant.SetPresenceAsync("u2", "away");
        var u2 = await socket.ReceiveUntilAsync(m => (string?)m["type"] != "group_presence_update");
        Assert.Equal("user:u2", TopicFrames.TopicOf(u2));
        Assert.Equal("away", (string?)u2["data"]!["status"]);
        await tenant.SetPresenceAsync("u3", "away"); // a change of g1 no longer reaches this socket
        Assert.True(await socket.StaysQuietAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task UserDeleted_EndsThatSubscription_With4002NamingIt_OthersGoOn()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2, withGroup: false);
        await using var socket = await ConnectAsync(tenant);
        await SubscribeAsync(socket, tenant, userId: "u1");
        await SubscribeAsync(socket, tenant, userId: "u2");
        await socket.ReceiveOneEachAsync("user:u1", "user:u2");

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync(tenant.UserPath("u1"))).StatusCode);

        var error = await socket.ReceiveAsync();
        AssertTopicError(error, 4002, "INVALID_USER_ID", tenant.OrgId, "userId", "u1");
        await tenant.SetPresenceAsync("u2", "dnd");
        Assert.Equal("dnd", (string?)(await socket.ReceiveForAsync("user:u2"))["data"]!["status"]);
    }

    [Fact]
    public async Task Refusals_NameTheTopic_AndLeaveTheSocketOpen()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        await using var socket = await ConnectAsync(tenant);

        await SubscribeAsync(socket, tenant, userId: "nobody");
        AssertTopicError(await socket.ReceiveAsync(), 4002, "INVALID_USER_ID", tenant.OrgId, "userId", "nobody");
        await SubscribeAsync(socket, tenant, groupId: "no-group");
        AssertTopicError(await socket.ReceiveAsync(), 4005, "INVALID_GROUP_ID", tenant.OrgId, "groupId", "no-group");
        await socket.SendAsync(new { action = "subscribe", orgId = "org-other", userId = "u1" });
        AssertTopicError(await socket.ReceiveAsync(), 4001, "INVALID_ORG_ID", "org-other", "userId", "u1");
        await socket.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "bad id" });
        AssertTopicError(await socket.ReceiveAsync(), 4002, "INVALID_USER_ID", tenant.OrgId, "userId", "bad id");

        // Naming no topic, or two, is a malformed message (4000), as on any socket.
        await socket.SendAsync(new { action = "subscribe", orgId = tenant.OrgId });
        var none = await socket.ReceiveAsync();
        Assert.Equal(4000, (int)none["code"]!);
        Assert.Null(TopicFrames.TopicOf(none));
        await socket.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "u1", groupId = "g1" });
        Assert.Equal(4000, (int)(await socket.ReceiveAsync())["code"]!);

        await SubscribeAsync(socket, tenant, userId: "u1");
        Assert.True((bool)(await socket.ReceiveForAsync("user:u1"))["snapshot"]!);
        Assert.True(await StillOpenAsync(socket));
    }

    [Fact]
    public async Task Connect_ToAnUnknownOrganisation_Closes4001_AndAForeignToken_4003()
    {
        var absent = $"org-{Guid.NewGuid():N}";
        await using (var unknown = await host.ConnectAsync($"/organisation/{absent}"))
        {
            await unknown.ExpectErrorAndCloseAsync(4001, "INVALID_ORG_ID");
        }
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using (var foreign = await host.ConnectAsync(OrgPath(tenant), GatewayHost.Token("org-someone-else")))
        {
            await foreign.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
        }
        await using (var anonymous = await host.ConnectAnonymousAsync(OrgPath(tenant)))
        {
            await anonymous.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
        }
    }

    [Fact]
    public async Task PlainGet_OnTheOrganisationPath_IsStillTheRestRead()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);

        var organisation = await tenant.GetAsync(OrgPath(tenant));
        Assert.Equal(tenant.OrgId, (string?)organisation["orgId"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.GetAsync(OrgPath(tenant))).StatusCode);
    }

    [Fact]
    public async Task TopicLimit_RefusesTheNextTopicWith4009NamingIt_UntilOneIsUnsubscribed()
    {
        var max = host.Get<Microsoft.Extensions.Options.IOptions<Gateway.Limits.LimitsOptions>>().Value.MaxTopicsPerSocket;
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);
        var users = Enumerable.Range(1, max + 1).Select(i => new { userId = $"m{i}", displayName = $"Member {i}" }).ToArray();
        await tenant.PutAsync($"{OrgPath(tenant)}/directory", new { users, groups = Array.Empty<object>() });
        await using var socket = await ConnectAsync(tenant);

        // All at once, as a client resubscribing after a reconnect does: the socket's burst allows it.
        for (var i = 1; i <= max; i++) await SubscribeAsync(socket, tenant, userId: $"m{i}");
        await SubscribeAsync(socket, tenant, userId: $"m{max + 1}");
        var snapshots = 0;
        JsonObject? refusal = null;
        while (snapshots < max || refusal is null)
        {
            var frame = await socket.ReceiveAsync(TimeSpan.FromSeconds(30));
            if ((string?)frame["type"] == "presence_update") snapshots++;
            else if ((string?)frame["type"] == "error") refusal = frame;
        }
        AssertTopicError(refusal, 4009, "SUBSCRIPTION_LIMIT_EXCEEDED", tenant.OrgId, "userId", $"m{max + 1}");
        Assert.Contains($"at most {max} topics", (string?)refusal["description"]);
        Assert.Null(refusal["retryAfterMs"]);

        await socket.SendAsync(new { action = "unsubscribe", orgId = tenant.OrgId, userId = "m1" });
        await socket.ReceiveUntilAsync(m => m.Is("unsubscribed", "user:m1"));
        await SubscribeAsync(socket, tenant, userId: $"m{max + 1}");
        Assert.True((bool)(await socket.ReceiveForAsync($"user:m{max + 1}"))["snapshot"]!);
    }

    private static void AssertTopicError(JsonObject error, int code, string message, string orgId, string idField, string id)
    {
        Assert.Equal("error", (string?)error["type"]);
        Assert.Equal(code, (int)error["code"]!);
        Assert.Equal(message, (string?)error["message"]);
        Assert.Equal(orgId, (string?)error["orgId"]);
        Assert.Equal(id, (string?)error[idField]);
        Assert.Null(error[idField == "userId" ? "groupId" : "userId"]);
    }
}
