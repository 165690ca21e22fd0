using System.Text;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// A socket's outbox without a socket: one lane per topic and one for replies, taken in turns, each conflating on
/// its own. What a socket carrying many topics relies on to keep one busy topic from starving or conflating the rest.
/// </summary>
public sealed class OutboxTests
{
    private sealed class FakeTopic(string name) : ISnapshotSource
    {
        public int Current { get; private set; }

        public byte[] CurrentSnapshot() => Encoding.UTF8.GetBytes($"{name}:snapshot@{Current}");

        public OutboundFrame Change(int n)
        {
            Current = n;
            return OutboundFrame.State(Encoding.UTF8.GetBytes($"{name}@{n}"), this);
        }
    }

    private static List<string> Drain(Outbox outbox)
    {
        var sent = new List<string>();
        while (outbox.TryRead(out var frame)) sent.Add(Encoding.UTF8.GetString(frame.Bytes));
        return sent;
    }

    [Fact]
    public void BusyLaneAndQuietLane_TakeTurns_OfAtMostTurnFramesEach()
    {
        var outbox = new Outbox(replyCapacity: 8);
        var (busy, quiet) = (new FakeTopic("a"), new FakeTopic("b"));
        var busyLane = outbox.OpenLane(1024);
        var quietLane = outbox.OpenLane(1024);
        var total = Outbox.TurnFrames * 2 + 5;
        for (var i = 1; i <= total; i++) Assert.True(busyLane.TryEnqueue(busy.Change(i)));
        Assert.True(quietLane.TryEnqueue(quiet.Change(1)));
        Assert.True(quietLane.TryEnqueue(quiet.Change(2)));

        var sent = Drain(outbox);

        string[] expected =
        [
            .. Enumerable.Range(1, Outbox.TurnFrames).Select(i => $"a@{i}"),
            "b@1", "b@2",
            .. Enumerable.Range(Outbox.TurnFrames + 1, total - Outbox.TurnFrames).Select(i => $"a@{i}"),
        ];
        Assert.Equal(expected, sent);
    }

    [Fact]
    public void FullLane_ConflatesOnlyItsOwnTopic_OtherLanesKeepEveryFrame()
    {
        var outbox = new Outbox(replyCapacity: 8);
        var (busy, quiet) = (new FakeTopic("a"), new FakeTopic("b"));
        var busyLane = outbox.OpenLane(4);
        var quietLane = outbox.OpenLane(4);
        Assert.True(quietLane.TryEnqueue(quiet.Change(1)));
        for (var i = 1; i <= 7; i++) Assert.True(busyLane.TryEnqueue(busy.Change(i)));
        Assert.True(quietLane.TryEnqueue(quiet.Change(2)));
        Assert.True(outbox.Replies.TryEnqueue(OutboundFrame.Control("pong"u8.ToArray())));

        var sent = Drain(outbox);

        Assert.Equal(["b@1", "b@2"], sent.Where(s => s.StartsWith('b')));
        Assert.Equal(["a:snapshot@5", "a@6", "a@7"], sent.Where(s => s.StartsWith('a')));
        Assert.Contains("pong", sent);
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public void CompletedOutbox_RefusesFrames_AndSaysSo()
    {
        var outbox = new Outbox(replyCapacity: 8);
        var lane = outbox.OpenLane(4);
        outbox.Complete();

        Assert.True(outbox.IsCompleted);
        Assert.False(lane.TryEnqueue(new FakeTopic("a").Change(1)));
        Assert.False(outbox.OpenLane(4).TryEnqueue(OutboundFrame.Control("late"u8.ToArray())));
    }

    [Fact]
    public async Task FramesQueuedFromManyThreads_WhileThePumpReads_AreAllSent_EachLaneInOrder()
    {
        var outbox = new Outbox(replyCapacity: 8);
        const int lanes = 8, perLane = 5_000;
        var topics = Enumerable.Range(0, lanes).Select(i => (Topic: new FakeTopic($"t{i}"), Lane: outbox.OpenLane(perLane))).ToArray();
        var received = new List<string>();
        var reader = Task.Run(async () =>
        {
            while (received.Count < lanes * perLane && await outbox.WaitToReadAsync())
            {
                while (outbox.TryRead(out var frame)) received.Add(Encoding.UTF8.GetString(frame.Bytes));
            }
        });

        await Task.WhenAll(topics.Select(t => Task.Run(() =>
        {
            for (var n = 1; n <= perLane; n++) Assert.True(t.Lane.TryEnqueue(t.Topic.Change(n)));
        })));
        await reader.WaitAsync(TimeSpan.FromSeconds(30));

        for (var i = 0; i < lanes; i++)
        {
            var prefix = $"t{i}@";
            Assert.Equal(Enumerable.Range(1, perLane).Select(n => $"{prefix}{n}"), received.Where(r => r.StartsWith(prefix, StringComparison.Ordinal)));
        }
    }
}
