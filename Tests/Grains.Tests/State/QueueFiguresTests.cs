using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>The queue figures a supervisor manages by, as a group's queue computes them: outcomes, window, today, threshold.</summary>
public class QueueFiguresTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static QueueState Waiting(params string[] calls) =>
        calls.Aggregate(QueueState.Empty, (q, c) => q.Enqueue(c, T0, Hour));

    private static QueueState Left(QueueState q, string call, QueueExit reason, double afterSeconds, string? by = null) =>
        q.Leave(call, reason, T0.AddSeconds(afterSeconds), by)!.Queue;

    [Fact]
    public void NothingLeft_PeriodsAreZero_RatesNull_DefaultsShown()
    {
        var m = Waiting("c1").ToMetrics(T0);

        Assert.Equal(20, m.ServiceLevelThresholdSeconds);
        Assert.Equal(new QueuePeriod(15, null, 0, 0, null, null), m.Window);
        Assert.Equal(new QueuePeriod(0, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), 0, 0, null, null), m.Today);
    }

    [Fact]
    public void Outcomes_CountInWindowAndToday_ServiceLevelByTheGroupsThreshold()
    {
        var q = Waiting("a", "b", "c", "d").WithServiceLevelThreshold(30);
        q = Left(q, "a", QueueExit.Answered, 30, by: "u1");   // at the threshold: within
        q = Left(q, "b", QueueExit.Answered, 31, by: "u2");   // over
        q = Left(q, "c", QueueExit.Abandoned, 40);
        q = Left(q, "d", QueueExit.Unspecified, 50);          // not an outcome: in neither rate

        var m = q.ToMetrics(T0.AddMinutes(1));

        Assert.Equal(30, m.ServiceLevelThresholdSeconds);
        Assert.Equal(new QueuePeriod(15, null, 2, 1, 33.3, 33.3), m.Window);
        Assert.Equal((2, 1, 33.3, 33.3), (m.Today!.Answered, m.Today.Abandoned, m.Today.AbandonRate, m.Today.ServiceLevel));
    }

    [Fact]
    public void AnsweredBy_KeptOnAnsweredOnly_AndARepeatAnswersTheOriginal()
    {
        var q = Waiting("a", "b");
        var answered = q.Leave("a", QueueExit.Answered, T0.AddSeconds(5), "u1")!;
        var abandoned = answered.Queue.Leave("b", QueueExit.Abandoned, T0.AddSeconds(6), "u1")!;
        var repeat = abandoned.Queue.Leave("a", QueueExit.Abandoned, T0.AddSeconds(7), "u9")!;

        Assert.Equal("u1", answered.Departure.AnsweredBy);
        Assert.Null(abandoned.Departure.AnsweredBy);
        Assert.True(repeat.Repeated);
        Assert.Equal(answered.Departure, repeat.Departure);
        Assert.Equal(1, repeat.Queue.ToMetrics(T0.AddSeconds(8)).Window!.Answered); // a repeat counts nothing again
    }

    [Fact]
    public void Expired_IsNotAnOutcome()
    {
        var q = Waiting("a").Expire(T0 + Hour);

        Assert.Equal(new QueuePeriod(15, null, 0, 0, null, null), q.ToMetrics(T0 + Hour).Window);
    }

    [Fact]
    public void Window_FollowsTheOrganisationsTerms_AndDropsOlderMinutes()
    {
        var q = Waiting("a", "b").WithTerms(new QueueTerms("UTC", 5));
        q = Left(q, "a", QueueExit.Answered, 10);
        q = q.Leave("b", QueueExit.Abandoned, T0.AddMinutes(4))!.Queue;

        Assert.Equal(new QueuePeriod(5, null, 1, 1, 50.0, 50.0), q.ToMetrics(T0.AddMinutes(4)).Window);
        Assert.Equal(new QueuePeriod(5, null, 0, 1, 100.0, 0.0), q.ToMetrics(T0.AddMinutes(6)).Window);
        Assert.Equal(2, q.ToMetrics(T0.AddMinutes(6)).Today!.Answered + q.ToMetrics(T0.AddMinutes(6)).Today!.Abandoned);
    }

    [Fact]
    public void WithTerms_Unchanged_SameInstance()
    {
        var q = Waiting("a");

        Assert.Same(q, q.WithTerms(QueueTerms.Default));
        Assert.Same(q, q.WithServiceLevelThreshold(20));
    }

    [Fact]
    public void Today_StartsAtTheOrganisationsLocalMidnight_AndResetsAfterIt()
    {
        // New York, 10 March 2026: EDT (UTC-4) since 8 March. 03:30 UTC is still 9 March there.
        var zone = new QueueTerms("America/New_York", 15);
        var early = new DateTimeOffset(2026, 3, 10, 3, 30, 0, TimeSpan.Zero);
        var q = QueueState.Empty.WithTerms(zone).Enqueue("a", early, Hour).Leave("a", QueueExit.Answered, early.AddSeconds(5))!.Queue;

        var sameDay = q.ToMetrics(early.AddMinutes(10)).Today!;
        var nextDay = q.ToMetrics(early.AddMinutes(40)).Today!; // 04:10 UTC = 00:10 EDT on 10 March

        Assert.Equal(new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.FromHours(-4)), sameDay.Since);
        Assert.Equal(1, sameDay.Answered);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(-4)), nextDay.Since);
        Assert.Equal((0, 0, (double?)null), (nextDay.Answered, nextDay.Abandoned, nextDay.ServiceLevel));
    }

    [Fact]
    public void UnknownTimeZone_CountsInUtc()
    {
        var q = QueueState.Empty.WithTerms(new QueueTerms("Nowhere/Atlantis", 15)).Enqueue("a", T0, Hour);
        q = Left(q, "a", QueueExit.Answered, 5);

        Assert.Equal(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), q.ToMetrics(T0).Today!.Since);
        Assert.Equal(1, q.ToMetrics(T0).Today!.Answered);
    }
}
