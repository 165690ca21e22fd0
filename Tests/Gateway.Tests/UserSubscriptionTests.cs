using System.Text.Json.Nodes;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

[Collection(GatewayCollection.Name)]
public sealed class UserSubscriptionTests(GatewayHost host)
{
    [Fact]
    public async Task Subscribe_KnownUser_SendsSnapshotMarkedWithItsSeq()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await tenant.SetPresenceAsync("u1", "available", "Ready");
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));

        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var snapshot = await socket.ReceiveAsync();

        Assert.Equal("presence_update", (string?)snapshot["type"]);
        Assert.True((bool)snapshot["snapshot"]!);
        Assert.Equal(2, (long)snapshot["seq"]!); // created (1), then set available (2)
        var data = snapshot["data"]!;
        Assert.Equal("u1", (string?)data["userId"]);
        Assert.Equal(tenant.OrgId, (string?)data["orgId"]);
        Assert.Equal("available", (string?)data["status"]);
        Assert.Equal("offline", (string?)data["previousStatus"]);
        Assert.Equal("Ready", (string?)data["statusMessage"]);
        Assert.Equal("2001", (string?)data["extension"]);
        Assert.Null(data["activeCall"]);
        Assert.True((bool)data["capabilities"]!["canReceiveCalls"]!);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", (string)snapshot["timestamp"]!);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", (string)data["lastActivity"]!);
    }

    [Fact]
    public async Task PresenceWrite_AfterSubscribe_ArrivesAsChangeWithNextSeq()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var snapshot = await socket.ReceiveAsync();

        await tenant.SetPresenceAsync("u1", "busy", "In a meeting");
        var update = await socket.ReceiveAsync();

        Assert.Equal("presence_update", (string?)update["type"]);
        Assert.False((bool)update["snapshot"]!);
        Assert.Equal((long)snapshot["seq"]! + 1, (long)update["seq"]!);
        Assert.Equal("busy", (string?)update["data"]!["status"]);
        Assert.Equal("offline", (string?)update["data"]!["previousStatus"]);
        Assert.Equal("In a meeting", (string?)update["data"]!["statusMessage"]);
    }

    [Fact]
    public async Task ManyWrites_ArriveInOrder_WithConsecutiveSeq()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var seq = (long)(await socket.ReceiveAsync())["seq"]!;
        string[] statuses = ["available", "busy", "away", "dnd", "offline"];

        for (var i = 0; i < 50; i++) await tenant.SetPresenceAsync("u1", statuses[i % statuses.Length]);

        for (var i = 0; i < 50; i++)
        {
            var update = await socket.ReceiveAsync();
            Assert.Equal(++seq, (long)update["seq"]!);
            Assert.Equal(statuses[i % statuses.Length], (string?)update["data"]!["status"]);
        }
    }

    [Fact]
    public async Task Call_StartAndEnd_GoesOnCallThenBackToPreviousStatus()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await tenant.SetPresenceAsync("u1", "available");
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        await socket.ReceiveAsync();

        await tenant.PostAsync($"{tenant.UserPath("u1")}/calls", new { callId = "call-1", direction = "inbound", remoteParty = "+441234" });
        var onCall = await socket.ReceiveAsync();
        Assert.Equal("on_call", (string?)onCall["data"]!["status"]);
        Assert.Equal("available", (string?)onCall["data"]!["previousStatus"]);
        var call = onCall["data"]!["activeCall"]!;
        Assert.Equal("call-1", (string?)call["callId"]);
        Assert.Equal("inbound", (string?)call["direction"]);
        Assert.True((int)call["callDuration"]! >= 0);

        var response = await tenant.Http.DeleteAsync($"{tenant.UserPath("u1")}/calls/call-1");
        Assert.True(response.IsSuccessStatusCode);
        var after = await socket.ReceiveAsync();
        Assert.Equal("available", (string?)after["data"]!["status"]);
        Assert.Equal("on_call", (string?)after["data"]!["previousStatus"]);
        Assert.Null(after["data"]!["activeCall"]);
    }

    [Fact]
    public async Task Unsubscribe_StopsUpdates_KeepsSocketOpen_AndSubscribeAgainWorks()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        await socket.ReceiveAsync();

        await socket.SendAsync(new { action = "unsubscribe", orgId = tenant.OrgId, userId = "u1" });
        var ack = await socket.ReceiveAsync();
        Assert.Equal("unsubscribed", (string?)ack["type"]);
        await tenant.SetPresenceAsync("u1", "away");
        Assert.True(await socket.StaysQuietAsync(TimeSpan.FromMilliseconds(500)), "an update arrived after unsubscribe");

        await socket.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await socket.ReceiveAsync())["type"]);

        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var snapshot = await socket.ReceiveAsync();
        Assert.True((bool)snapshot["snapshot"]!);
        Assert.Equal("away", (string?)snapshot["data"]!["status"]);
    }

    [Fact]
    public async Task SubscribeTwice_SendsAFreshSnapshot_AndNoDuplicateUpdates()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        await socket.ReceiveAsync();
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var second = await socket.ReceiveAsync();
        Assert.True((bool)second["snapshot"]!);

        await tenant.SetPresenceAsync("u1", "dnd");
        var update = await socket.ReceiveAsync();
        Assert.Equal("dnd", (string?)update["data"]!["status"]);
        Assert.True(await socket.StaysQuietAsync(TimeSpan.FromMilliseconds(300)), "the update was delivered twice");
    }

    [Fact]
    public async Task Ping_GetsPong()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SendAsync(new { type = "ping" });
        var pong = await socket.ReceiveAsync();
        Assert.Equal("pong", (string?)pong["type"]);
    }

    [Fact]
    public async Task UserDeleted_WhileSubscribed_ClosesWith4002()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u2"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u2");
        await socket.ReceiveAsync();

        var response = await tenant.Http.DeleteAsync(tenant.UserPath("u2"));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);

        await socket.ExpectErrorAndCloseAsync(4002, "INVALID_USER_ID");
        var group = await tenant.GetAsync(tenant.GroupPath("g1"));
        Assert.Equal(1, (int)group["data"]!["summary"]!["totalMembers"]!);
    }

    [Fact]
    public async Task RestGet_ReturnsTheSameDocumentAsTheSocketSnapshot()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var snapshot = await socket.ReceiveAsync();

        var document = await tenant.GetAsync(tenant.UserPath("u1"));

        Assert.True(JsonNode.DeepEquals(snapshot, document), $"{snapshot.ToJsonString()}\n!=\n{document.ToJsonString()}");
    }
}
