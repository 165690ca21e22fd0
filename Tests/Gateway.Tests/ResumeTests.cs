using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway;
using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// subscribe with lastSeq over real sockets: a client that missed changes gets "resumed" and exactly the frames a
/// continuously connected subscriber received (same JSON), or a snapshot when that cannot be done exactly.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ResumeTests(GatewayHost host)
{
    private static readonly string[] Statuses = ["busy", "away", "dnd", "available", "busy"];

    [Fact]
    public async Task User_LastSeqInsideTheGatewayRing_GetsResumed_ThenExactlyTheMissedFrames_ThenLiveChanges()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var watcher = await SubscribedAsync(host, tenant.UserPath("u1"), tenant.OrgId, userId: "u1");
        var lastSeen = await SeenThenGoneAsync(host, tenant.UserPath("u1"), tenant.OrgId, userId: "u1");
        var replayedBefore = host.Get<GatewayMetrics>().ResumesReplayed;

        foreach (var status in Statuses) await tenant.SetPresenceAsync("u1", status, $"now {status}");
        var missed = await ReceiveAsync(watcher, Statuses.Length);

        await using var client = await host.ConnectAsync(tenant.UserPath("u1"));
        await client.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "u1", lastSeq = lastSeen });
        var resumed = await client.ReceiveAsync();
        AssertResumed(resumed, tenant.OrgId, "userId", "u1", lastSeen, lastSeen + Statuses.Length, Statuses.Length);
        Assert.Null(resumed["groupId"]);
        foreach (var frame in missed) Assert.Equal(frame.ToJsonString(), (await client.ReceiveAsync()).ToJsonString());
        // Counted just after the frames are handed to the socket, so the count may trail the frames read here.
        await Poll.UntilAsync(() => host.Get<GatewayMetrics>().ResumesReplayed == replayedBefore + 1, Poll.Timeout,
            () => $"resumes replayed {host.Get<GatewayMetrics>().ResumesReplayed}, expected {replayedBefore + 1}");

        await tenant.SetPresenceAsync("u1", "offline");
        var live = await client.ReceiveAsync();
        Assert.Equal(lastSeen + Statuses.Length + 1, (long)live["seq"]!);
        Assert.False((bool)live["snapshot"]!);
        Assert.Equal((await watcher.ReceiveAsync()).ToJsonString(), live.ToJsonString());
    }

    [Fact]
    public async Task User_LastSeqEqualToTheCurrentSeq_GetsResumedWithNothingReplayed()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await tenant.SetPresenceAsync("u1", "available");
        var lastSeen = await SeenThenGoneAsync(host, tenant.UserPath("u1"), tenant.OrgId, userId: "u1");

        await using var client = await host.ConnectAsync(tenant.UserPath("u1"));
        await client.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "u1", lastSeq = lastSeen });
        AssertResumed(await client.ReceiveAsync(), tenant.OrgId, "userId", "u1", lastSeen, lastSeen, 0);

        await tenant.SetPresenceAsync("u1", "dnd");
        var live = await client.ReceiveAsync();
        Assert.Equal(lastSeen + 1, (long)live["seq"]!);
        Assert.Equal("dnd", (string?)live["data"]!["status"]);
    }

    [Fact]
    public async Task User_LastSeqTooOldOrInTheFuture_GetsASnapshot()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var watcher = await SubscribedAsync(host, tenant.UserPath("u1"), tenant.OrgId, userId: "u1");
        var lastSeen = await SeenThenGoneAsync(host, tenant.UserPath("u1"), tenant.OrgId, userId: "u1");
        var snapshotsBefore = host.Get<GatewayMetrics>().ResumesSnapshot;
        // More changes than either ring keeps (64 by default, on the gateway and in the grain).
        for (var i = 0; i < 70; i++) await tenant.SetPresenceAsync("u1", Statuses[i % Statuses.Length]);
        var current = lastSeen + 70;
        await Poll.UntilAsync(() => host.Get<TopicHub>().Topics.Any(t => t.Key.Id == "u1" && t.Key.OrgId == tenant.OrgId && ((UserTopic)t).Seq == current),
            TimeSpan.FromSeconds(10), "the topic to reach the last change");

        foreach (var lastSeq in new[] { lastSeen, current + 5 })
        {
            await using var client = await host.ConnectAsync(tenant.UserPath("u1"));
            await client.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "u1", lastSeq });
            var snapshot = await client.ReceiveAsync();
            Assert.Equal("presence_update", (string?)snapshot["type"]);
            Assert.True((bool)snapshot["snapshot"]!);
            Assert.Equal(current, (long)snapshot["seq"]!);
        }
        await Poll.UntilAsync(() => host.Get<GatewayMetrics>().ResumesSnapshot == snapshotsBefore + 2, Poll.Timeout,
            () => $"resumes answered with a snapshot {host.Get<GatewayMetrics>().ResumesSnapshot}, expected {snapshotsBefore + 2}");
    }

    [Fact]
    public async Task Group_LastSeqInsideTheGatewayRing_ReplaysMemberAndQueueUpdatesExactly()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await using var watcher = await SubscribedAsync(host, tenant.GroupPath("g1"), tenant.OrgId, groupId: "g1");
        var lastSeen = await SeenThenGoneAsync(host, tenant.GroupPath("g1"), tenant.OrgId, groupId: "g1");

        var missed = await MakeGroupChangesAsync(tenant, watcher);

        await using var client = await host.ConnectAsync(tenant.GroupPath("g1"));
        await client.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, groupId = "g1", lastSeq = lastSeen });
        var resumed = await client.ReceiveAsync();
        AssertResumed(resumed, tenant.OrgId, "groupId", "g1", lastSeen, lastSeen + missed.Count, missed.Count);
        Assert.Null(resumed["userId"]);
        foreach (var frame in missed) Assert.Equal(frame.ToJsonString(), (await client.ReceiveAsync()).ToJsonString());

        await tenant.SetPresenceAsync("u1", "offline");
        var live = await client.ReceiveAsync();
        Assert.Equal(lastSeen + missed.Count + 1, (long)live["seq"]!);
        Assert.Equal("member_presence_update", (string?)live["type"]);
    }

    [Fact]
    public async Task Group_LastSeqTooOldOfAnotherEpochOrInTheFuture_GetsASnapshot()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await using var watcher = await SubscribedAsync(host, tenant.GroupPath("g1"), tenant.OrgId, groupId: "g1");
        var tooOld = await SeenThenGoneAsync(host, tenant.GroupPath("g1"), tenant.OrgId, groupId: "g1");
        // More member changes than either ring keeps.
        for (var i = 0; i < 70; i++) await tenant.SetPresenceAsync("u1", i % 2 == 0 ? "busy" : "available");
        var lastSeen = (long)(await ReceiveAsync(watcher, 70))[^1]["seq"]!;
        Assert.Equal(tooOld + 70, lastSeen);

        foreach (var lastSeq in new[] { tooOld, lastSeen - (1L << 32), lastSeen + 1 })
        {
            await using var client = await host.ConnectAsync(tenant.GroupPath("g1"));
            await client.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, groupId = "g1", lastSeq });
            var snapshot = await client.ReceiveAsync();
            Assert.Equal("group_presence_update", (string?)snapshot["type"]);
            Assert.True((bool)snapshot["snapshot"]!);
            Assert.Equal(lastSeen, (long)snapshot["seq"]!);
        }
    }

    [Fact]
    public async Task User_ResumedOnAnotherGateway_GetsTheMissedFramesFromTheGrain()
    {
        var second = await host.StartSecondGatewayAsync();
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var watcher = await SubscribedAsync(host, tenant.UserPath("u1"), tenant.OrgId, userId: "u1");
        var lastSeen = await SeenThenGoneAsync(host, tenant.UserPath("u1"), tenant.OrgId, userId: "u1");

        foreach (var status in Statuses) await tenant.SetPresenceAsync("u1", status, $"now {status}");
        var missed = await ReceiveAsync(watcher, Statuses.Length);

        // The second gateway has never held this topic: only the user grain's ring can answer.
        await using var client = await second.ConnectAsync(tenant.UserPath("u1"));
        await client.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "u1", lastSeq = lastSeen });
        AssertResumed(await client.ReceiveAsync(), tenant.OrgId, "userId", "u1", lastSeen, lastSeen + Statuses.Length, Statuses.Length);
        foreach (var frame in missed) Assert.Equal(frame.ToJsonString(), (await client.ReceiveAsync()).ToJsonString());
        Assert.Equal(1, second.Get<GatewayMetrics>().ResumesReplayed);

        await tenant.SetPresenceAsync("u1", "offline");
        Assert.Equal((await watcher.ReceiveAsync()).ToJsonString(), (await client.ReceiveAsync()).ToJsonString());
    }

    [Fact]
    public async Task ResumesFromTheGrain_WhileChangesKeepComing_JoinTheLiveStreamWithoutGapOrDuplicate()
    {
        var second = await host.StartSecondGatewayAsync();
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var lastSeen = await SeenThenGoneAsync(host, tenant.UserPath("u1"), tenant.OrgId, userId: "u1");
        const int Writes = 40;

        // Writes keep coming while clients resume on a gateway that loads the topic meanwhile: each resume joins the
        // grain's changes (up to the seq the topic holds) with the ones the topic applied while the grain answered.
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < Writes; i++) await tenant.SetPresenceAsync("u1", Statuses[i % Statuses.Length], $"write {i}");
        });
        var clients = new List<PresenceSocket>();
        for (var c = 0; c < 8; c++)
        {
            var client = await second.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, $"resumer-{c}"));
            await client.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, userId = "u1", lastSeq = lastSeen });
            clients.Add(client);
            await Task.Delay(10); // spread the resumes over the writes
        }
        await writing.WaitAsync(TimeSpan.FromSeconds(60));
        var final = lastSeen + Writes;

        foreach (var client in clients)
        {
            var first = await client.ReceiveAsync();
            long seq;
            if ((string?)first["type"] == "resumed")
            {
                Assert.Equal(lastSeen, (long)first["fromSeq"]!);
                seq = lastSeen;
            }
            else
            {
                Assert.True((bool)first["snapshot"]!, first.ToJsonString());
                seq = (long)first["seq"]!;
            }
            string? status = (string?)first["data"]?["statusMessage"];
            while (seq < final)
            {
                var frame = await client.ReceiveAsync();
                Assert.Equal(seq + 1, (long)frame["seq"]!); // no gap, no duplicate
                Assert.False((bool)frame["snapshot"]!);
                seq++;
                status = (string?)frame["data"]!["statusMessage"];
            }
            Assert.Equal($"write {Writes - 1}", status);
            Assert.True(await client.StaysQuietAsync(TimeSpan.FromMilliseconds(200)));
            await client.DisposeAsync();
        }
        Assert.True(second.Get<GatewayMetrics>().ResumesReplayed >= 6, "the resumes were replayed, not answered with snapshots");
    }

    [Fact]
    public async Task Group_ResumedAfterTheTopicLingeredOut_GetsTheMissedFramesFromTheGrain()
    {
        var second = await host.StartSecondGatewayAsync();
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        // The continuous subscriber is on the other gateway, so this one drops the topic once the client leaves.
        await using var watcher = await SubscribedAsync(second, tenant.GroupPath("g1"), tenant.OrgId, groupId: "g1");
        var lastSeen = await SeenThenGoneAsync(host, tenant.GroupPath("g1"), tenant.OrgId, groupId: "g1");
        await Poll.UntilAsync(() => !host.Get<TopicHub>().Topics.Any(t => t.Key.OrgId == tenant.OrgId),
            TimeSpan.FromSeconds(10), "the topic to linger out");

        var missed = await MakeGroupChangesAsync(tenant, watcher);

        await using var client = await host.ConnectAsync(tenant.GroupPath("g1"));
        await client.SendAsync(new { action = "subscribe", orgId = tenant.OrgId, groupId = "g1", lastSeq = lastSeen });
        AssertResumed(await client.ReceiveAsync(), tenant.OrgId, "groupId", "g1", lastSeen, lastSeen + missed.Count, missed.Count);
        foreach (var frame in missed) Assert.Equal(frame.ToJsonString(), (await client.ReceiveAsync()).ToJsonString());

        await tenant.SetPresenceAsync("u2", "offline");
        Assert.Equal((await watcher.ReceiveAsync()).ToJsonString(), (await client.ReceiveAsync()).ToJsonString());
    }

    [Theory]
    [InlineData("\"12\"")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("{}")]
    [InlineData("true")]
    [InlineData("99999999999999999999")]
    public async Task LastSeqOfTheWrongType_IsA4000ErrorFrame_AndTheSocketStaysOpen(string lastSeq)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var client = await host.ConnectAsync(tenant.UserPath("u1"));

        await client.SendTextAsync($"{{\"action\":\"subscribe\",\"orgId\":\"{tenant.OrgId}\",\"userId\":\"u1\",\"lastSeq\":{lastSeq}}}");
        var error = await client.ReceiveAsync();
        Assert.Equal("error", (string?)error["type"]);
        Assert.Equal(4000, (int)error["code"]!);
        Assert.Contains("lastSeq", (string?)error["description"]);

        await client.SendTextAsync($"{{\"action\":\"subscribe\",\"orgId\":\"{tenant.OrgId}\",\"userId\":\"u1\",\"lastSeq\":null}}");
        Assert.True((bool)(await client.ReceiveAsync())["snapshot"]!);
    }

    /// <summary>Two member changes, one queue change (a whole-group update) and a membership change with a new member.</summary>
    private static async Task<List<JsonObject>> MakeGroupChangesAsync(TestTenant tenant, PresenceSocket watcher)
    {
        await tenant.SetPresenceAsync("u1", "busy");
        await tenant.SetPresenceAsync("u2", "dnd");
        await tenant.PostAsync($"{tenant.GroupPath("g1")}/queue/calls", new { callId = "q-1" });
        await tenant.SetPresenceAsync("u3", "away");
        var frames = await ReceiveAsync(watcher, 4);
        Assert.Equal(["member_presence_update", "member_presence_update", "group_presence_update", "member_presence_update"],
            frames.Select(f => (string?)f["type"]));
        return frames;
    }

    private static async Task<PresenceSocket> SubscribedAsync(GatewayHost gateway, string path, string orgId, string? userId = null, string? groupId = null)
    {
        var socket = await gateway.ConnectAsync(path);
        await socket.SendAsync(userId is not null ? new { action = "subscribe", orgId, userId } : (object)new { action = "subscribe", orgId, groupId });
        Assert.True((bool)(await socket.ReceiveAsync())["snapshot"]!);
        return socket;
    }

    /// <summary>A client that subscribed, saw the snapshot and went away; returns the seq it saw last.</summary>
    private static async Task<long> SeenThenGoneAsync(GatewayHost gateway, string path, string orgId, string? userId = null, string? groupId = null)
    {
        await using var socket = await gateway.ConnectAsync(path);
        await socket.SendAsync(userId is not null ? new { action = "subscribe", orgId, userId } : (object)new { action = "subscribe", orgId, groupId });
        return (long)(await socket.ReceiveAsync())["seq"]!;
    }

    private static async Task<List<JsonObject>> ReceiveAsync(PresenceSocket socket, int count)
    {
        var frames = new List<JsonObject>(count);
        for (var i = 0; i < count; i++) frames.Add(await socket.ReceiveAsync());
        return frames;
    }

    private static void AssertResumed(JsonObject message, string orgId, string idField, string id, long fromSeq, long seq, int replayed)
    {
        Assert.Equal("resumed", (string?)message["type"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", (string)message["timestamp"]!);
        Assert.Equal(orgId, (string?)message["orgId"]);
        Assert.Equal(id, (string?)message[idField]);
        Assert.Equal(fromSeq, (long)message["fromSeq"]!);
        Assert.Equal(seq, (long)message["seq"]!);
        Assert.Equal(replayed, (int)message["replayed"]!);
    }
}
