using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>
/// When a queue's figures change by time alone (the moment a group's figures timer is due): the oldest outcome leaves
/// the rolling window, the local day that counted outcomes ends, the oldest averaged wait leaves the average.
/// </summary>
public class QueueFiguresDecayTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static QueueState Left(QueueState q, string call, QueueExit reason, DateTimeOffset at) =>
        q.Enqueue(call, at.AddSeconds(-10), Hour).Leave(call, reason, at, reason == QueueExit.Answered ? "u1" : null)!.Queue;

    /// <summary>The figures read the same from <paramref name="now"/> up to the moment before the change, and differ at it.</summary>
    private static void AssertChangesExactlyAt(QueueState q, DateTimeOffset now, DateTimeOffset expected)
    {
        Assert.Equal(expected, q.NextFiguresChange(now));
        Assert.Equal(q.ToMetrics(now), q.ToMetrics(expected - Tick));
        Assert.NotEqual(q.ToMetrics(now), q.ToMetrics(expected));
    }

    [Fact]
    public void NothingCounted_NoChangeDue()
    {
        Assert.Null(QueueState.Empty.NextFiguresChange(T0));
        Assert.Null(QueueState.Empty.Enqueue("waiting", T0, Hour).NextFiguresChange(T0.AddMinutes(5)));
    }

    [Fact]
    public void OnlyExpiredCalls_NoChangeDue()
    {
        var q = QueueState.Empty.Enqueue("lost", T0, TimeSpan.FromMinutes(1)).Expire(T0.AddMinutes(1));

        Assert.Single(q.Departures);
        Assert.Null(q.NextFiguresChange(T0.AddMinutes(2)));
    }

    [Fact]
    public void AnsweredCall_WindowDecays_ThenTheAverage_ThenTheDay_ThenNothing()
    {
        var q = Left(QueueState.Empty, "a", QueueExit.Answered, T0.AddSeconds(30)); // minute 10:00, default 15-minute window

        // The minute bucket of 10:00 leaves a 15-minute window when 10:15 starts.
        var windowEnds = T0.AddMinutes(15);
        AssertChangesExactlyAt(q, T0.AddMinutes(1), windowEnds);
        Assert.Equal(1, q.ToMetrics(windowEnds - Tick).Window!.Answered);
        Assert.Equal((0, null), (q.ToMetrics(windowEnds).Window!.Answered, q.ToMetrics(windowEnds).Window!.ServiceLevel));

        // Its wait is averaged for QueueState.Window after it left (10:00:30), then no longer.
        var averageEnds = T0.AddSeconds(30) + QueueState.Window + Tick;
        AssertChangesExactlyAt(q, windowEnds, averageEnds);
        Assert.Equal(0, q.ToMetrics(averageEnds).AverageWaitSeconds);

        // Today still counts it until the organisation's (here UTC) midnight.
        var midnight = new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero);
        AssertChangesExactlyAt(q, averageEnds, midnight);
        Assert.Equal(1, q.ToMetrics(midnight - Tick).Today!.Answered);
        Assert.Equal(0, q.ToMetrics(midnight).Today!.Answered);

        Assert.Null(q.NextFiguresChange(midnight));
    }

    [Fact]
    public void OldestBucketInTheWindow_IsTheNextChange_NotOnesAlreadyOut()
    {
        var q = QueueState.Empty.WithTerms(new QueueTerms("UTC", 5));
        q = Left(q, "old", QueueExit.Abandoned, T0);                  // minute 10:00
        q = Left(q, "mid", QueueExit.Answered, T0.AddMinutes(3));     // minute 10:03
        q = Left(q, "new", QueueExit.Answered, T0.AddMinutes(4));     // minute 10:04

        Assert.Equal(T0.AddMinutes(5), q.NextFiguresChange(T0.AddMinutes(4).AddSeconds(1)));
        // At 10:06 the 10:00 bucket is out: the 10:03 bucket leaves next, at 10:08.
        AssertChangesExactlyAt(q, T0.AddMinutes(6), T0.AddMinutes(8));
        Assert.Equal(new QueuePeriod(5, null, 1, 0, 0.0, 100.0), q.ToMetrics(T0.AddMinutes(8)).Window);
    }

    [Fact]
    public void UnspecifiedDeparture_IsAveragedNotCounted_SoOnlyTheAverageDecays()
    {
        var q = Left(QueueState.Empty, "x", QueueExit.Unspecified, T0);

        AssertChangesExactlyAt(q, T0.AddMinutes(1), T0 + QueueState.Window + Tick);
        Assert.Null(q.NextFiguresChange(T0 + QueueState.Window + Tick));
    }

    [Fact]
    public void Today_EndsAtTheOrganisationsLocalMidnight()
    {
        var berlin = new QueueTerms("Europe/Berlin", 5);
        var q = Left(QueueState.Empty.WithTerms(berlin), "a", QueueExit.Answered, T0); // 11:00 in Berlin (UTC+1 in March before DST)
        var after = T0.AddHours(1);

        // Berlin's next midnight is 23:00 UTC.
        AssertChangesExactlyAt(q, after, new DateTimeOffset(2026, 3, 10, 23, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void NextLocalMidnight_AcrossDaylightSavingChanges_IsTheNextDaysStart()
    {
        var berlin = QueueTimeZones.Find("Europe/Berlin");
        // 29 March 2026 is 23 hours long in Berlin, 25 October 2026 is 25 hours long.
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.FromHours(2)),
            QueueOutcomes.NextLocalMidnight(new DateTimeOffset(2026, 3, 29, 0, 30, 0, TimeSpan.FromHours(1)), berlin));
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 0, 0, 0, TimeSpan.FromHours(1)),
            QueueOutcomes.NextLocalMidnight(new DateTimeOffset(2026, 10, 25, 23, 30, 0, TimeSpan.FromHours(1)), berlin));
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 0, 0, 0, TimeSpan.FromHours(1)),
            QueueOutcomes.NextLocalMidnight(new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.FromHours(2)), berlin));
    }

    [Fact]
    public void NextChange_IsAlwaysAfterNow()
    {
        var q = QueueState.Empty.WithTerms(new QueueTerms("UTC", 5));
        q = Left(q, "a", QueueExit.Answered, T0);
        q = Left(q, "b", QueueExit.Abandoned, T0.AddSeconds(59));
        for (var now = T0; now < T0.AddDays(1); now = now.AddSeconds(37))
        {
            if (q.NextFiguresChange(now) is { } next) Assert.True(next > now, $"{next} not after {now}");
        }
    }
}
