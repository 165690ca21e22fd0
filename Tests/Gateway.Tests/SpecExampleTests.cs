using System.Text.Json.Nodes;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// Replays ../shared/spec/websocket-endpoints.md as written, against the demo tenant: the same paths, the same
/// frames the JavaScript examples send, and every field the example responses show.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SpecExampleTests(GatewayHost host)
{
    private static readonly string[] StatusValues = ["available", "busy", "on_call", "away", "dnd", "offline"];

    private static void AssertHasFields(JsonNode? node, params string[] fields)
    {
        Assert.NotNull(node);
        foreach (var field in fields) Assert.True(node!.AsObject().ContainsKey(field), $"missing field '{field}' in {node.ToJsonString()}");
    }

    [Fact]
    public async Task UserPresenceExample_SubscribeAsWritten_ReceivesPresenceUpdateWithEveryExampleField()
    {
        await using var socket = await host.ConnectAsync("/organisation/org-12345/user/user-67890");
        await socket.SendTextAsync("""
            {
                "action": "subscribe",
                "orgId": "org-12345",
                "userId": "user-67890"
            }
            """);

        var message = await socket.ReceiveAsync();

        AssertHasFields(message, "type", "timestamp", "data");
        Assert.Equal("presence_update", (string?)message["type"]);
        AssertHasFields(message["data"], "userId", "orgId", "status", "previousStatus", "statusMessage", "lastActivity", "activeCall", "extension", "capabilities");
        AssertHasFields(message["data"]!["capabilities"], "canReceiveCalls", "canMakeOutbound", "canTransfer");
        Assert.Equal("user-67890", (string?)message["data"]!["userId"]);
        Assert.Equal("org-12345", (string?)message["data"]!["orgId"]);
        Assert.Contains((string?)message["data"]!["status"], StatusValues);

        await socket.SendTextAsync("""{ "action": "unsubscribe", "orgId": "org-12345", "userId": "user-67890" }""");
        Assert.Equal("unsubscribed", (string?)(await socket.ReceiveAsync())["type"]);
    }

    [Fact]
    public async Task GroupPresenceExample_SubscribeAsWritten_ReceivesGroupThenMemberUpdates()
    {
        await using var socket = await host.ConnectAsync("/organisation/org-12345/user-group/group-sales-team");
        await socket.SendTextAsync("""
            {
                "action": "subscribe",
                "orgId": "org-12345",
                "groupId": "group-sales-team"
            }
            """);

        var group = await socket.ReceiveAsync();
        Assert.Equal("group_presence_update", (string?)group["type"]);
        AssertHasFields(group, "type", "timestamp", "data");
        var data = group["data"]!;
        AssertHasFields(data, "groupId", "groupName", "orgId", "summary", "members", "queueMetrics");
        Assert.Equal("Sales Team", (string?)data["groupName"]);
        AssertHasFields(data["summary"], "totalMembers", "available", "busy", "onCall", "away", "offline");
        Assert.Equal(12, (int)data["summary"]!["totalMembers"]!);
        AssertHasFields(data["queueMetrics"], "callsWaiting", "averageWaitTime", "longestWaitTime");
        var members = data["members"]!.AsArray();
        var john = members.Single(m => (string?)m!["userId"] == "user-001")!;
        Assert.Equal("John Smith", (string?)john["displayName"]);
        Assert.Equal("1001", (string?)john["extension"]);
        var jane = members.Single(m => (string?)m!["userId"] == "user-002")!;
        Assert.Equal("Jane Doe", (string?)jane["displayName"]);
        AssertHasFields(jane, "userId", "displayName", "status", "extension");

        // The spec's member example: Jane Doe goes from on_call to available.
        var before = (string)jane["status"]!;
        var target = before == "available" ? "busy" : "available";
        var tenant = new TestTenant(host.HttpFor("org-12345"), "org-12345");
        await tenant.SetPresenceAsync("user-002", target);
        // On a call, a chosen status waits for the call's end; end the demo call if there is one.
        if (before == "on_call") await tenant.Http.DeleteAsync("/organisation/org-12345/user/user-002/calls/demo-user-002");

        var member = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "member_presence_update");
        AssertHasFields(member, "type", "timestamp", "data");
        AssertHasFields(member["data"], "groupId", "userId", "displayName", "status", "previousStatus", "extension", "updatedSummary");
        Assert.Equal("user-002", (string?)member["data"]!["userId"]);
        Assert.Equal(target, (string?)member["data"]!["status"]);
        Assert.Equal(before, (string?)member["data"]!["previousStatus"]);
        AssertHasFields(member["data"]!["updatedSummary"], "totalMembers", "available", "busy", "onCall", "away", "offline");
    }

    [Fact]
    public async Task HeartbeatExample_PingGetsPong()
    {
        await using var socket = await host.ConnectAsync("/organisation/org-12345/user/user-67890");
        await socket.SendTextAsync("""{"type":"ping"}""");
        Assert.Equal("pong", (string?)(await socket.ReceiveAsync())["type"]);
    }
}
