using FreedomCti.Presence.Gateway;
using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.Tests.Infrastructure;
using Orleans.Core.Internal;

namespace FreedomCti.Presence.Tests;

/// <summary>One watch per topic per gateway, shared by its sockets; seq gaps heal by resync.</summary>
[Collection(GatewayCollection.Name)]
public sealed class FanOutTests(GatewayHost host)
{
    [Fact]
    public async Task ManySocketsOnOneTopic_ShareOneTopic_AndAllReceiveEveryUpdate()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        var hub = host.Get<TopicHub>();
        var key = new TopicKey(TopicKind.Group, tenant.OrgId, "g1");
        var sockets = new List<PresenceSocket>();
        for (var i = 0; i < 20; i++)
        {
            var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
            await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
            Assert.True((bool)(await socket.ReceiveAsync())["snapshot"]!);
            sockets.Add(socket);
        }

        Assert.Equal(20, hub.Topics.Single(t => t.Key == key).SubscriberCount);

        await tenant.SetPresenceAsync("u1", "available");
        await tenant.SetPresenceAsync("u2", "busy");
        foreach (var socket in sockets)
        {
            Assert.Equal("u1", (string?)(await socket.ReceiveAsync())["data"]!["userId"]);
            Assert.Equal("u2", (string?)(await socket.ReceiveAsync())["data"]!["userId"]);
        }
        foreach (var socket in sockets) await socket.DisposeAsync();
    }

    [Fact]
    public async Task LastSocketLeaves_TopicIsReleasedAfterTheLinger_AndCanBeSubscribedAgain()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var hub = host.Get<TopicHub>();
        var key = new TopicKey(TopicKind.User, tenant.OrgId, "u1");
        await using (var socket = await host.ConnectAsync(tenant.UserPath("u1")))
        {
            await socket.SubscribeUserAsync(tenant.OrgId, "u1");
            await socket.ReceiveAsync();
            Assert.Contains(hub.Topics, t => t.Key == key);
        }

        await Poll.UntilAsync(() => hub.Topics.All(t => t.Key != key), TimeSpan.FromSeconds(10), "the topic to be released");

        await using var again = await host.ConnectAsync(tenant.UserPath("u1"));
        await again.SubscribeUserAsync(tenant.OrgId, "u1");
        await again.ReceiveAsync();
        await tenant.SetPresenceAsync("u1", "away");
        Assert.Equal("away", (string?)(await again.ReceiveAsync())["data"]!["status"]);
    }

    [Fact]
    public async Task SeqGapInTheEvents_ResyncsSubscribersFromTheGrainSnapshot()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var seq = (long)(await socket.ReceiveAsync())["seq"]!;
        var resyncsBefore = host.Get<GatewayMetrics>().Resyncs;

        // An event from the future, sent through Orleans to the topic's observer as the grain would: the gateway must
        // notice the gap and reload from the grain.
        var observer = ((GroupTopicLink)Topic<GroupTopic>(tenant.OrgId, "g1").Link).Reference;
        await observer.OnEventAsync(new GroupEvent(seq + 5, GroupEventKind.QueueChanged, DateTimeOffset.UtcNow,
            GroupSummary.Empty, QueueMetrics.Empty, null, null));

        var resync = await socket.ReceiveAsync();
        Assert.Equal("group_presence_update", (string?)resync["type"]);
        Assert.True((bool)resync["snapshot"]!);
        Assert.Equal(seq, (long)resync["seq"]!); // the grain's truth, not the bogus event
        Assert.Equal(2, (int)resync["data"]!["summary"]!["totalMembers"]!);
        Assert.True(host.Get<GatewayMetrics>().Resyncs > resyncsBefore);

        // Real changes flow again after the resync.
        await tenant.SetPresenceAsync("u1", "available");
        var update = await socket.ReceiveAsync();
        Assert.Equal(seq + 1, (long)update["seq"]!);
        Assert.Equal("member_presence_update", (string?)update["type"]);
    }

    [Fact]
    public async Task DuplicateEvent_IsDroppedBySeq()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var snapshot = await socket.ReceiveAsync();

        var observer = ((UserTopicLink)Topic<UserTopic>(tenant.OrgId, "u1").Link).Reference;
        await observer.OnEventAsync(new UserEvent((long)snapshot["seq"]!, UserEventKind.Removed, null, DateTimeOffset.UtcNow));
        await tenant.SetPresenceAsync("u1", "busy");

        var update = await socket.ReceiveAsync();
        Assert.Equal("presence_update", (string?)update["type"]);
        Assert.Equal("busy", (string?)update["data"]!["status"]);
    }

    [Fact]
    public async Task AWatchLostBehindTheTopicsBack_IsRenewed_AndTheMissedChangeArrivesAsASnapshot()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        var seq = (long)(await socket.ReceiveAsync())["seq"]!;

        // The grain forgets this gateway (as a new activation after a silo's death would): the change reaches nobody...
        var link = (UserTopicLink)Topic<UserTopic>(tenant.OrgId, "u1").Link;
        await host.Get<IClusterClient>().GetGrain<IUserGrain>(PresenceIds.Key(tenant.OrgId, "u1")).UnwatchAsync(link.Reference);
        await tenant.SetPresenceAsync("u1", "busy");

        // ...until the next renewal (every second in tests) watches again and finds the grain ahead.
        var repaired = await socket.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.True((bool)repaired["snapshot"]!);
        Assert.Equal(seq + 1, (long)repaired["seq"]!);
        Assert.Equal("busy", (string?)repaired["data"]!["status"]);
        await tenant.SetPresenceAsync("u1", "away");
        var live = await socket.ReceiveAsync();
        Assert.False((bool)live["snapshot"]!);
        Assert.Equal(seq + 2, (long)live["seq"]!);
    }

    [Fact]
    public async Task AGrainThatDeactivates_TellsTheTopic_WhichWatchesTheNextActivation_AndMissesNothing()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var epoch = (long)(await socket.ReceiveAsync())["seq"]! >> 32;
        var metrics = host.Get<GatewayMetrics>();
        var rewatches = metrics.Rewatches;

        var group = host.Get<IClusterClient>().GetGrain<IGroupGrain>(PresenceIds.Key(tenant.OrgId, "g1"));
        await group.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // The grain said it moved: the topic watched its next activation (not waiting for a renewal), found a new
        // epoch and sent the subscriber that activation's snapshot.
        var moved = await socket.ReceiveUntilAsync(m => (bool)m["snapshot"]! && (long)m["seq"]! >> 32 > epoch, TimeSpan.FromSeconds(10));
        Assert.True(metrics.Rewatches > rewatches, "the topic watched the grain again because it moved");

        await tenant.SetPresenceAsync("u1", "dnd");
        var frame = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "member_presence_update");
        Assert.Equal("dnd", (string?)frame["data"]!["status"]);
        Assert.Equal((long)moved["seq"]! + 1, (long)frame["seq"]!);
    }

    private T Topic<T>(string orgId, string id) where T : ITopic =>
        host.Get<TopicHub>().Topics.OfType<T>().Single(t => t.Key.OrgId == orgId && t.Key.Id == id);
}
