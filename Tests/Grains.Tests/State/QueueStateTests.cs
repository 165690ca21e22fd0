using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class QueueStateTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Enqueue_SameCallTwice_Idempotent()
    {
        var q = QueueState.Empty.Enqueue("c1", T0);

        Assert.Same(q, q.Enqueue("c1", T0.AddSeconds(5)));
        Assert.Equal(new QueueMetrics(1, T0, 0), q.ToMetrics(T0));
    }

    [Fact]
    public void ToMetrics_SeveralWaiting_CountAndOldest()
    {
        var q = QueueState.Empty.Enqueue("c2", T0.AddSeconds(10)).Enqueue("c1", T0).Enqueue("c3", T0.AddSeconds(20));

        var m = q.ToMetrics(T0.AddSeconds(30));

        Assert.Equal(3, m.CallsWaiting);
        Assert.Equal(T0, m.OldestWaitingSince);
    }

    [Fact]
    public void Dequeue_UnknownCall_Null()
    {
        Assert.Null(QueueState.Empty.Enqueue("c1", T0).Dequeue("c2", T0));
    }

    [Fact]
    public void ToMetrics_Departures_RoundedMeanWait()
    {
        var q = QueueState.Empty.Enqueue("c1", T0).Enqueue("c2", T0)
            .Dequeue("c1", T0.AddSeconds(10))!
            .Dequeue("c2", T0.AddSeconds(21))!;

        var m = q.ToMetrics(T0.AddSeconds(30));

        Assert.Equal(new QueueMetrics(0, null, 16), m);
    }

    [Fact]
    public void ToMetrics_DepartureOlderThanWindow_NotAveragedAndPrunedOnNextWrite()
    {
        var q = QueueState.Empty.Enqueue("old", T0).Dequeue("old", T0.AddSeconds(100))!;
        var later = T0.AddSeconds(100) + QueueState.Window + TimeSpan.FromSeconds(1);

        var metrics = q.ToMetrics(later);
        var pruned = q.Enqueue("new", later).Dequeue("new", later.AddSeconds(4))!;

        Assert.Equal(0, metrics.AverageWaitSeconds);
        Assert.Single(pruned.Departures);
        Assert.Equal(4, pruned.ToMetrics(later.AddSeconds(4)).AverageWaitSeconds);
    }

    [Fact]
    public void Dequeue_MoreThanMaxDepartures_KeepsOnlyTheNewest()
    {
        var q = QueueState.Empty;
        for (var i = 0; i < QueueState.MaxDepartures + 50; i++)
        {
            var at = T0.AddMilliseconds(i);
            q = q.Enqueue($"c{i}", at).Dequeue($"c{i}", at)!;
        }

        Assert.Equal(QueueState.MaxDepartures, q.Departures.Count);
        Assert.Equal(T0.AddMilliseconds(50), q.Departures[0].LeftAt);
    }
}
