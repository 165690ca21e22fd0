using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class QueueStateTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void Enqueue_SameCallTwice_Idempotent()
    {
        var q = QueueState.Empty.Enqueue("c1", T0, Hour);

        Assert.Same(q, q.Enqueue("c1", T0.AddSeconds(5), Hour));
        Assert.Equal((1, (DateTimeOffset?)T0, 0), (q.ToMetrics(T0).CallsWaiting, q.ToMetrics(T0).OldestWaitingSince, q.ToMetrics(T0).AverageWaitSeconds));
    }

    [Fact]
    public void ToMetrics_SeveralWaiting_CountAndOldest()
    {
        var q = QueueState.Empty.Enqueue("c2", T0.AddSeconds(10), Hour).Enqueue("c1", T0, Hour).Enqueue("c3", T0.AddSeconds(20), Hour);

        var m = q.ToMetrics(T0.AddSeconds(30));

        Assert.Equal(3, m.CallsWaiting);
        Assert.Equal(T0, m.OldestWaitingSince);
    }

    [Fact]
    public void Leave_UnknownCall_Null()
    {
        Assert.Null(QueueState.Empty.Enqueue("c1", T0, Hour).Leave("c2", QueueExit.Answered, T0));
    }

    [Fact]
    public void Leave_WaitingCall_DepartsWithReasonAndWait()
    {
        var leave = QueueState.Empty.Enqueue("c1", T0, Hour).Leave("c1", QueueExit.Abandoned, T0.AddSeconds(42))!;

        Assert.False(leave.Repeated);
        Assert.Empty(leave.Queue.Waiting);
        Assert.Equal(new QueueDeparture("c1", QueueExit.Abandoned, T0.AddSeconds(42), 42), leave.Departure);
        Assert.Equal([leave.Departure], leave.Queue.Departures);
    }

    [Fact]
    public void Leave_CallThatAlreadyLeft_AnswersTheOriginalDepartureAndChangesNothing()
    {
        var first = QueueState.Empty.Enqueue("c1", T0, Hour).Leave("c1", QueueExit.Answered, T0.AddSeconds(10))!;

        var repeat = first.Queue.Leave("c1", QueueExit.Abandoned, T0.AddSeconds(50))!;

        Assert.True(repeat.Repeated);
        Assert.Same(first.Queue, repeat.Queue);
        Assert.Equal(first.Departure, repeat.Departure);
    }

    [Fact]
    public void Enqueue_CallThatLeft_WaitsAgain_AndARepeatedLeaveAnswersTheLatestDeparture()
    {
        var q = QueueState.Empty.Enqueue("c1", T0, Hour).Leave("c1", QueueExit.Abandoned, T0.AddSeconds(5))!.Queue
            .Enqueue("c1", T0.AddSeconds(60), Hour);
        Assert.Single(q.Waiting);

        var second = q.Leave("c1", QueueExit.Answered, T0.AddSeconds(70))!;
        var repeat = second.Queue.Leave("c1", QueueExit.Answered, T0.AddSeconds(80))!;

        Assert.Equal(QueueExit.Answered, repeat.Departure.Reason);
        Assert.Equal(10, repeat.Departure.WaitSeconds);
    }

    [Fact]
    public void Expire_OnlyCallsPastTheirMaxWait_LeaveAsExpired_InExpiryOrder()
    {
        var q = QueueState.Empty
            .Enqueue("long", T0, TimeSpan.FromMinutes(10))
            .Enqueue("short", T0.AddMinutes(1), TimeSpan.FromMinutes(2))
            .Enqueue("fresh", T0.AddMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Equal(T0.AddMinutes(3), q.NextExpiry);

        var at = T0.AddMinutes(11);
        var expired = q.Expire(at);

        Assert.Equal(["fresh"], expired.Waiting.Keys);
        Assert.Equal(["short", "long"], expired.Departures.Select(d => d.CallId));
        Assert.All(expired.Departures, d => Assert.Equal(QueueExit.Expired, d.Reason));
        Assert.All(expired.Departures, d => Assert.Equal(at, d.LeftAt));
        Assert.Equal(T0.AddMinutes(19), expired.NextExpiry);
        Assert.Same(expired, expired.Expire(at));
    }

    [Fact]
    public void Expire_ACallAtItsExpiry_Leaves_AndARepeatedLeaveAnswersExpired()
    {
        var q = QueueState.Empty.Enqueue("c1", T0, TimeSpan.FromMinutes(5)).Expire(T0.AddMinutes(5));

        var repeat = q.Leave("c1", QueueExit.Answered, T0.AddMinutes(6))!;

        Assert.True(repeat.Repeated);
        Assert.Equal(QueueExit.Expired, repeat.Departure.Reason);
        Assert.Equal(300, repeat.Departure.WaitSeconds);
        Assert.Null(q.NextExpiry);
    }

    [Fact]
    public void ToMetrics_ExpiredCalls_AreNotAveraged()
    {
        var q = QueueState.Empty.Enqueue("lost", T0, TimeSpan.FromMinutes(5)).Enqueue("ok", T0, Hour)
            .Expire(T0.AddMinutes(5))
            .Leave("ok", QueueExit.Answered, T0.AddMinutes(5).AddSeconds(20))!.Queue;

        Assert.Equal(320, q.ToMetrics(T0.AddMinutes(6)).AverageWaitSeconds);
    }

    [Fact]
    public void ToMetrics_Departures_RoundedMeanWait()
    {
        var q = QueueState.Empty.Enqueue("c1", T0, Hour).Enqueue("c2", T0, Hour)
            .Leave("c1", QueueExit.Answered, T0.AddSeconds(10))!.Queue
            .Leave("c2", QueueExit.Unspecified, T0.AddSeconds(21))!.Queue;

        var m = q.ToMetrics(T0.AddSeconds(30));

        Assert.Equal((0, (DateTimeOffset?)null, 16), (m.CallsWaiting, m.OldestWaitingSince, m.AverageWaitSeconds));
    }

    [Fact]
    public void ToMetrics_DepartureOlderThanWindow_NotAveragedAndPrunedOnNextWrite()
    {
        var q = QueueState.Empty.Enqueue("old", T0, Hour).Leave("old", QueueExit.Answered, T0.AddSeconds(100))!.Queue;
        var later = T0.AddSeconds(100) + QueueState.Window + TimeSpan.FromSeconds(1);

        var metrics = q.ToMetrics(later);
        var pruned = q.Enqueue("new", later, Hour).Leave("new", QueueExit.Answered, later.AddSeconds(4))!.Queue;

        Assert.Equal(0, metrics.AverageWaitSeconds);
        Assert.Single(pruned.Departures);
        Assert.Equal(4, pruned.ToMetrics(later.AddSeconds(4)).AverageWaitSeconds);
        Assert.Null(pruned.Leave("old", QueueExit.Answered, later.AddSeconds(5)));
    }

    [Fact]
    public void Leave_MoreThanMaxDepartures_KeepsOnlyTheNewest()
    {
        var q = QueueState.Empty;
        for (var i = 0; i < QueueState.MaxDepartures + 50; i++)
        {
            var at = T0.AddMilliseconds(i);
            q = q.Enqueue($"c{i}", at, Hour).Leave($"c{i}", QueueExit.Answered, at)!.Queue;
        }

        Assert.Equal(QueueState.MaxDepartures, q.Departures.Count);
        Assert.Equal(T0.AddMilliseconds(50), q.Departures[0].LeftAt);
    }
}
