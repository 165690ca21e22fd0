using System.Text;
using FreedomCti.Presence.Gateway;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// A socket that reads slowly or not at all: when its queue fills, the backlog is conflated into one fresh snapshot
/// (newest state of every member, latest summary and queue) instead of dropping at random; only a socket that fills it
/// again before taking that snapshot is closed, with 1013 SLOW_CONSUMER.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SlowConsumerTests(GatewayHost host)
{
    /// <summary>Stands in for a topic: its "current state" is whatever the test last set.</summary>
    private sealed class FakeTopic : ISnapshotSource
    {
        public int Current { get; set; }
        public int Rendered { get; private set; }

        public byte[] CurrentSnapshot()
        {
            Rendered++;
            return Encoding.UTF8.GetBytes($"snapshot@{Current}");
        }

        public OutboundFrame Change(int n)
        {
            Current = n;
            return OutboundFrame.State(Encoding.UTF8.GetBytes($"change@{n}"), this);
        }
    }

    private static string Text(OutboundFrame f) => Encoding.UTF8.GetString(f.Bytes);

    private static List<string> Drain(SendQueue queue)
    {
        var left = new List<string>();
        while (queue.TryRead(out var f)) left.Add(Text(f));
        return left;
    }

    [Fact]
    public void TryEnqueue_FullQueue_ReplacesTheBacklogWithOneSnapshotOfTheLatestState_KeepingControlFrames()
    {
        var topic = new FakeTopic();
        var queue = new SendQueue(capacity: 8);
        Assert.True(queue.TryEnqueue(OutboundFrame.Control(Encoding.UTF8.GetBytes("pong"))));
        for (var i = 1; i <= 7; i++) Assert.True(queue.TryEnqueue(topic.Change(i)));

        Assert.True(queue.TryEnqueue(topic.Change(8)));

        Assert.Equal(["pong", "snapshot@8"], Drain(queue));
    }

    [Fact]
    public void TryEnqueue_SocketTookTheSnapshot_ConflatesAgainWhenFullAgain()
    {
        var topic = new FakeTopic();
        var queue = new SendQueue(capacity: 4);
        for (var i = 1; i <= 5; i++) Assert.True(queue.TryEnqueue(topic.Change(i)));
        Assert.Equal(["snapshot@5"], Drain(queue));

        for (var i = 6; i <= 10; i++) Assert.True(queue.TryEnqueue(topic.Change(i)));

        Assert.Equal(["snapshot@10"], Drain(queue));
    }

    [Fact]
    public void TryEnqueue_FullAgainBeforeTakingTheConflatedSnapshot_SaysHopelesslyBehind()
    {
        var topic = new FakeTopic();
        var queue = new SendQueue(capacity: 4);
        for (var i = 1; i <= 5; i++) Assert.True(queue.TryEnqueue(topic.Change(i)));
        for (var i = 6; i <= 8; i++) Assert.True(queue.TryEnqueue(topic.Change(i)));

        Assert.False(queue.TryEnqueue(topic.Change(9)));
    }

    [Fact]
    public async Task StuckSocket_FallsAQueueBehind_StaysOpen_AndGetsOneSnapshotThenTheChangesAfterIt()
    {
        var socket = new GatedWebSocket();
        var services = host.Get<ConnectionServices>();
        var capacity = services.Options.SendQueueCapacity;
        var topic = new FakeTopic();
        var connection = new PresenceConnection("slow-1", services);
        var running = new SocketPump(socket, connection, services).RunAsync(_ => Task.CompletedTask, CancellationToken.None);
        var lane = connection.Outbox.OpenLane(capacity);

        connection.Send(lane, topic.Change(0));
        await Poll.UntilAsync(() => socket.Sent.Count == 1, TimeSpan.FromSeconds(10), "the first send to block");
        var last = capacity + 100;
        for (var i = 1; i <= last; i++) connection.Send(lane, topic.Change(i));

        Assert.Null(socket.CloseStatus);
        socket.Release();
        await Poll.UntilAsync(() => socket.Sent.LastOrDefault() == $"change@{last}", TimeSpan.FromSeconds(10), "the newest frame");
        string[] expected = ["change@0", $"snapshot@{capacity + 1}", .. Enumerable.Range(capacity + 2, last - capacity - 1).Select(i => $"change@{i}")];
        Assert.Equal(expected, socket.Sent);
        Assert.Null(socket.CloseStatus);

        connection.Close(PresenceCloseCodes.ServiceRestart, "test over");
        await running.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task StuckSocket_FallsBehindTwiceWithoutReading_IsClosedWith1013_AfterAnErrorFrame()
    {
        var socket = new GatedWebSocket();
        var services = host.Get<ConnectionServices>();
        var topic = new FakeTopic();
        var connection = new PresenceConnection("slow-2", services);
        var running = new SocketPump(socket, connection, services).RunAsync(_ => Task.CompletedTask, CancellationToken.None);
        var lane = connection.Outbox.OpenLane(services.Options.SendQueueCapacity);

        connection.Send(lane, topic.Change(0));
        await Poll.UntilAsync(() => socket.Sent.Count == 1, TimeSpan.FromSeconds(10), "the first send to block");
        for (var i = 1; i <= services.Options.SendQueueCapacity * 3; i++) connection.Send(lane, topic.Change(i));
        socket.Release();

        await running.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(PresenceCloseCodes.SlowConsumer.Code, (int?)socket.CloseStatus);
        Assert.Contains(socket.Sent, s => s.Contains("\"code\":1013") && s.Contains("SLOW_CONSUMER"));
    }

    [Fact]
    public async Task Reconnect_AfterMissingChanges_StartsFromASnapshot_AndConvergesOnTheLatestState()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await using (var first = await host.ConnectAsync(tenant.GroupPath("g1")))
        {
            await first.SubscribeGroupAsync(tenant.OrgId, "g1");
            await first.ReceiveAsync();
        }
        await tenant.SetPresenceAsync("u1", "busy");
        await tenant.SetPresenceAsync("u2", "away");

        await using var again = await host.ConnectAsync(tenant.GroupPath("g1"));
        await again.SubscribeGroupAsync(tenant.OrgId, "g1");
        var snapshot = await again.ReceiveAsync();
        Assert.True((bool)snapshot["snapshot"]!);

        // The snapshot is the gateway's state at its seq; group updates that were still in flight follow it in order.
        var view = snapshot["data"]!["members"]!.AsArray().ToDictionary(m => (string)m!["userId"]!, m => (string)m!["status"]!);
        while (view["u1"] != "busy" || view["u2"] != "away")
        {
            var update = await again.ReceiveUntilAsync(m => (string?)m["type"] == "member_presence_update");
            view[(string)update["data"]!["userId"]!] = (string)update["data"]!["status"]!;
        }
        Assert.Equal("offline", view["u3"]);
    }

    [Fact]
    public void SnapshotFrameCache_BurstOfSubscribersAtOneSeq_RendersOnce()
    {
        var cache = new SnapshotFrameCache();
        var renders = 0;
        var now = DateTimeOffset.UtcNow;

        var frames = Enumerable.Range(0, 500).Select(_ => cache.GetOrRender(7, now, () => { renders++; return [1, 2, 3]; })).ToList();

        Assert.Equal(1, renders);
        Assert.All(frames, f => Assert.Same(frames[0], f));
    }
}
