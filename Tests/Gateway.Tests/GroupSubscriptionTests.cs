using System.Text.Json.Nodes;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

[Collection(GatewayCollection.Name)]
public sealed class GroupSubscriptionTests(GatewayHost host)
{
    private static readonly string[] Counts = ["available", "busy", "onCall", "away", "dnd", "offline"];

    private static void AssertCountsAddUp(JsonNode summary)
    {
        Assert.Equal((int)summary["totalMembers"]!, Counts.Sum(c => (int)summary[c]!));
    }

    [Fact]
    public async Task Subscribe_Group_SendsFullSnapshotWithMembersSummaryAndQueue()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 4);
        await tenant.SetPresenceAsync("u1", "available");
        await tenant.SetPresenceAsync("u2", "dnd");
        await tenant.PostAsync($"{tenant.UserPath("u3")}/calls", new { callId = "c1", direction = "outbound" });
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));

        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var snapshot = await socket.ReceiveAsync();

        Assert.Equal("group_presence_update", (string?)snapshot["type"]);
        Assert.True((bool)snapshot["snapshot"]!);
        Assert.True((long)snapshot["seq"]! > 0);
        var data = snapshot["data"]!;
        Assert.Equal("g1", (string?)data["groupId"]);
        Assert.Equal("Group One", (string?)data["groupName"]);
        Assert.Equal(tenant.OrgId, (string?)data["orgId"]);
        var summary = data["summary"]!;
        Assert.Equal(4, (int)summary["totalMembers"]!);
        Assert.Equal(1, (int)summary["available"]!);
        Assert.Equal(1, (int)summary["dnd"]!);
        Assert.Equal(1, (int)summary["onCall"]!);
        Assert.Equal(1, (int)summary["offline"]!);
        AssertCountsAddUp(summary);
        var members = data["members"]!.AsArray();
        Assert.Equal(["u1", "u2", "u3", "u4"], members.Select(m => (string)m!["userId"]!));
        Assert.Equal("User 1", (string?)members[0]!["displayName"]);
        Assert.Equal("2001", (string?)members[0]!["extension"]);
        Assert.Equal("on_call", (string?)members[2]!["status"]);
        Assert.True((int)members[2]!["callDuration"]! >= 0);
        Assert.Null(members[0]!["callDuration"]);
        Assert.Equal(0, (int)data["queueMetrics"]!["callsWaiting"]!);
    }

    [Fact]
    public async Task MemberChange_ArrivesAsMemberUpdate_WithPreviousStatusAndResultingSummary()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await tenant.SetPresenceAsync("u2", "on_call");
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var snapshot = await socket.ReceiveAsync();

        await tenant.SetPresenceAsync("u2", "available");
        var update = await socket.ReceiveAsync();

        Assert.Equal("member_presence_update", (string?)update["type"]);
        Assert.Equal((long)snapshot["seq"]! + 1, (long)update["seq"]!);
        Assert.Null(update["snapshot"]);
        var data = update["data"]!;
        Assert.Equal("g1", (string?)data["groupId"]);
        Assert.Equal("u2", (string?)data["userId"]);
        Assert.Equal("User 2", (string?)data["displayName"]);
        Assert.Equal("available", (string?)data["status"]);
        Assert.Equal("on_call", (string?)data["previousStatus"]);
        Assert.Equal("2002", (string?)data["extension"]);
        var summary = data["updatedSummary"]!;
        Assert.Equal(3, (int)summary["totalMembers"]!);
        Assert.Equal(1, (int)summary["available"]!);
        Assert.Equal(0, (int)summary["onCall"]!);
        Assert.Equal(2, (int)summary["offline"]!);
        AssertCountsAddUp(summary);
    }

    [Fact]
    public async Task ManyMemberChanges_SummaryAlwaysMatchesTheTruth()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 6);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var seq = (long)(await socket.ReceiveAsync())["seq"]!;
        string[] statuses = ["available", "busy", "on_call", "away", "dnd", "offline"];
        var truth = Enumerable.Range(1, 6).ToDictionary(i => $"u{i}", _ => "offline");
        var random = new Random(42);

        for (var i = 0; i < 60; i++)
        {
            var user = $"u{random.Next(1, 7)}";
            var status = statuses[random.Next(statuses.Length)];
            await tenant.SetPresenceAsync(user, status);
            if (truth[user] == status) continue; // no visible change: the group publishes nothing
            truth[user] = status;

            var update = await socket.ReceiveAsync();
            Assert.Equal(++seq, (long)update["seq"]!);
            var summary = update["data"]!["updatedSummary"]!;
            AssertCountsAddUp(summary);
            Assert.Equal(truth.Values.Count(s => s == "on_call"), (int)summary["onCall"]!);
            Assert.Equal(truth.Values.Count(s => s == "available"), (int)summary["available"]!);
            Assert.Equal(truth.Values.Count(s => s == "dnd"), (int)summary["dnd"]!);
        }
    }

    [Fact]
    public async Task QueueCalls_ArriveAsCoalescedGroupUpdates_WithCurrentMetrics()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await socket.ReceiveAsync();

        for (var i = 1; i <= 5; i++) await tenant.PostAsync($"{tenant.GroupPath("g1")}/queue/calls", new { callId = $"q{i}" });
        var response = await tenant.Http.DeleteAsync($"{tenant.GroupPath("g1")}/queue/calls/q1");
        Assert.True(response.IsSuccessStatusCode);

        // Six queue writes within a second are coalesced; the last update always carries the final metrics.
        var update = await socket.ReceiveUntilAsync(m =>
            (string?)m["type"] == "group_presence_update" && (int)m["data"]!["queueMetrics"]!["callsWaiting"]! == 4);
        Assert.False((bool)update["snapshot"]!);
        Assert.Equal(2, update["data"]!["members"]!.AsArray().Count);
        var metrics = update["data"]!["queueMetrics"]!;
        Assert.True((int)metrics["longestWaitTime"]! >= 0);
        Assert.True((int)metrics["averageWaitTime"]! >= 0);
    }

    [Fact]
    public async Task MembershipChange_ArrivesAsGroupUpdate_WithNewMemberList()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await tenant.PutAsync(tenant.UserPath("u9"), new { displayName = "New Hire", extension = "2999" });
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await socket.ReceiveAsync();

        await tenant.PostAsync($"{tenant.GroupPath("g1")}/members", new { userIds = new[] { "u9" } });

        var update = await socket.ReceiveUntilAsync(m =>
            (string?)m["type"] == "group_presence_update" && m["data"]!["members"]!.AsArray().Any(x => (string?)x!["userId"] == "u9"));
        Assert.Equal(4, (int)update["data"]!["summary"]!["totalMembers"]!);

        await tenant.SetPresenceAsync("u9", "available");
        var member = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "member_presence_update");
        Assert.Equal("u9", (string?)member["data"]!["userId"]);
        Assert.Equal("New Hire", (string?)member["data"]!["displayName"]);
    }

    [Fact]
    public async Task GroupDeleted_WhileSubscribed_ClosesWith4005()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await socket.ReceiveAsync();

        var response = await tenant.Http.DeleteAsync(tenant.GroupPath("g1"));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);

        await socket.ExpectErrorAndCloseAsync(4005, "INVALID_GROUP_ID");
    }

    [Fact]
    public async Task RestGet_ReturnsTheSameDocumentAsTheSocketSnapshot()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await tenant.SetPresenceAsync("u1", "busy");
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var snapshot = await socket.ReceiveAsync();

        var document = await tenant.GetAsync(tenant.GroupPath("g1"));

        Assert.True(JsonNode.DeepEquals(snapshot, document), $"{snapshot.ToJsonString()}\n!=\n{document.ToJsonString()}");
    }
}
