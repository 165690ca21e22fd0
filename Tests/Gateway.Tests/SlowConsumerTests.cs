using System.Text;
using FreedomCti.Presence.Gateway;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// A socket that reads slowly or not at all: its queue conflates (newest state per member wins, full state replaces
/// older frames) instead of dropping at random; only one hopelessly behind is closed, with 1013 SLOW_CONSUMER.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SlowConsumerTests(GatewayHost host)
{
    private static OutboundFrame Member(string member, int n) => OutboundFrame.Member(Encoding.UTF8.GetBytes($"{member}:{n}"), member);
    private static OutboundFrame Full(string text) => OutboundFrame.FullState(Encoding.UTF8.GetBytes(text));
    private static OutboundFrame Control(string text) => OutboundFrame.Control(Encoding.UTF8.GetBytes(text));
    private static string Text(OutboundFrame f) => Encoding.UTF8.GetString(f.Bytes);

    [Fact]
    public void Conflate_KeepsTheNewestFramePerMember_AtItsNewestPosition()
    {
        var kept = SendQueue.Conflate([Member("a", 1), Member("b", 2), Member("a", 3), Member("c", 4), Member("b", 5)]);

        Assert.Equal(["a:3", "c:4", "b:5"], kept.Select(Text));
    }

    [Fact]
    public void Conflate_FullStateReplacesEveryOlderStateFrame_ButNeverAControlFrame()
    {
        var kept = SendQueue.Conflate([Member("a", 1), Control("pong"), Full("snapshot-1"), Member("b", 2), Full("snapshot-2"), Member("a", 3)]);

        Assert.Equal(["pong", "snapshot-2", "a:3"], kept.Select(Text));
    }

    [Fact]
    public void TryEnqueue_FullQueueOfFewMembers_ConflatesAndKeepsAccepting()
    {
        var queue = new SendQueue(capacity: 16);

        for (var i = 0; i < 1000; i++) Assert.True(queue.TryEnqueue(Member($"m{i % 3}", i)));

        var left = new List<string>();
        while (queue.Reader.TryRead(out var f)) left.Add(Text(f));
        Assert.True(left.Count <= 16);
        Assert.Equal("m0:999", left[^1]); // the newest frame is always last: its summary is the latest
        foreach (var m in new[] { "m0", "m1", "m2" })
        {
            Assert.Equal(left.Where(l => l.StartsWith(m + ":")).Max(l => int.Parse(l.Split(':')[1])), 999 - (m == "m0" ? 0 : m == "m1" ? 2 : 1));
        }
    }

    [Fact]
    public void TryEnqueue_MoreChangingMembersThanTheQueueCanConflate_SaysHopelesslyBehind()
    {
        var queue = new SendQueue(capacity: 16);
        var accepted = Enumerable.Range(0, 40).Select(i => queue.TryEnqueue(Member($"m{i}", i))).ToList();

        Assert.All(accepted.Take(16), Assert.True);
        Assert.Contains(false, accepted);
    }

    [Fact]
    public async Task StuckSocket_ThousandsOfChangesToAFewMembers_StaysOpen_AndEndsOnTheNewestStatePerMember()
    {
        var socket = new GatedWebSocket();
        var services = host.Get<ConnectionServices>();
        var connection = new PresenceConnection(socket, new TopicKey(TopicKind.Group, "org-slow", "g1"), "slow-1", services);
        var running = connection.RunAsync(CancellationToken.None);

        connection.Send(Full("snapshot"));
        await Poll.UntilAsync(() => socket.Sent.Count == 1, TimeSpan.FromSeconds(10), "the first send to block");
        var changes = services.Options.SendQueueCapacity * 3;
        for (var i = 0; i < changes; i++) connection.Send(Member($"m{i % 5}", i));

        Assert.Null(socket.CloseStatus);
        socket.Release();
        await Poll.UntilAsync(() => socket.Sent.LastOrDefault() == $"m{(changes - 1) % 5}:{changes - 1}", TimeSpan.FromSeconds(10), "the newest frame");
        var sent = socket.Sent.Skip(1).ToList();
        Assert.True(sent.Count <= services.Options.SendQueueCapacity);
        for (var m = 0; m < 5; m++)
        {
            var newest = Enumerable.Range(0, changes).Last(i => i % 5 == m);
            Assert.Equal($"m{m}:{newest}", sent.Last(s => s.StartsWith($"m{m}:")));
        }
        Assert.Null(socket.CloseStatus);

        connection.Close(PresenceCloseCodes.ServiceRestart, "test over");
        await running.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task StuckSocket_MoreMembersChangingThanItsQueueHolds_IsClosedWith1013_AfterAnErrorFrame()
    {
        var socket = new GatedWebSocket();
        var services = host.Get<ConnectionServices>();
        var connection = new PresenceConnection(socket, new TopicKey(TopicKind.Group, "org-slow", "g2"), "slow-2", services);
        var running = connection.RunAsync(CancellationToken.None);

        connection.Send(Full("snapshot"));
        await Poll.UntilAsync(() => socket.Sent.Count == 1, TimeSpan.FromSeconds(10), "the first send to block");
        for (var i = 0; i < services.Options.SendQueueCapacity * 2; i++) connection.Send(Member($"m{i}", i));
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
