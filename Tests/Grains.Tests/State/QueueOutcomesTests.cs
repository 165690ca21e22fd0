using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class QueueOutcomesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(20);
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    private static QueueOutcomes Answered(QueueOutcomes q, double wait, DateTimeOffset at, TimeZoneInfo? zone = null) =>
        q.WithDeparture(QueueExit.Answered, wait, at, Threshold, zone ?? Utc);

    private static QueueOutcomes Abandoned(QueueOutcomes q, DateTimeOffset at, TimeZoneInfo? zone = null) =>
        q.WithDeparture(QueueExit.Abandoned, 5, at, Threshold, zone ?? Utc);

    [Fact]
    public void Rates_NothingLeft_Null()
    {
        var counts = QueueOutcomes.Empty.InWindow(T0, 15);

        Assert.Null(counts.AbandonRate);
        Assert.Null(counts.ServiceLevel);
    }

    [Fact]
    public void Rates_PercentagesRoundedToOneDecimal_ThresholdInclusive()
    {
        var q = Answered(QueueOutcomes.Empty, 20, T0);        // at the threshold: within
        q = Answered(q, 20.5, T0);                             // just over
        q = Abandoned(q, T0);

        var counts = q.InWindow(T0, 15);

        Assert.Equal(new OutcomeCounts(2, 1, 1), counts);
        Assert.Equal(33.3, counts.AbandonRate);
        Assert.Equal(33.3, counts.ServiceLevel);
    }

    [Fact]
    public void Rates_TwoThirds_RoundsUp()
    {
        var counts = new OutcomeCounts(2, 2, 1);

        Assert.Equal(66.7, counts.ServiceLevel);
        Assert.Equal(33.3, counts.AbandonRate);
    }

    [Fact]
    public void ExpiredAndUnspecified_AreNotOutcomes()
    {
        var q = QueueOutcomes.Empty;

        Assert.Same(q, q.WithDeparture(QueueExit.Expired, 3600, T0, Threshold, Utc));
        Assert.Same(q, q.WithDeparture(QueueExit.Unspecified, 3, T0, Threshold, Utc));
    }

    [Fact]
    public void Window_RollsOffMinuteByMinute()
    {
        var q = Answered(QueueOutcomes.Empty, 1, T0);
        q = Abandoned(q, T0.AddMinutes(10));

        Assert.Equal(new OutcomeCounts(1, 1, 1), q.InWindow(T0.AddMinutes(14).AddSeconds(59), 15));
        Assert.Equal(new OutcomeCounts(0, 0, 1), q.InWindow(T0.AddMinutes(15), 15));
        Assert.Equal(new OutcomeCounts(0, 0, 1), q.InWindow(T0.AddMinutes(24).AddSeconds(59), 15));
        Assert.Equal(default, q.InWindow(T0.AddMinutes(25), 15));
        Assert.Equal(new OutcomeCounts(0, 0, 1), q.InWindow(T0.AddMinutes(25), 16));
    }

    [Fact]
    public void Buckets_StayBounded()
    {
        var q = QueueOutcomes.Empty;
        for (var i = 0; i < 600; i++) // 10:00 to 19:59, one local (UTC) day
        {
            q = Answered(q, 1, T0.AddMinutes(i));
        }

        Assert.True(q.Minutes.Count <= QueueOutcomes.MaxWindowMinutes);
        Assert.Equal(QueueOutcomes.MaxWindowMinutes, q.InWindow(T0.AddMinutes(599), QueueOutcomes.MaxWindowMinutes).Answered);
        Assert.Equal(600, q.Today.Answered);
    }

    [Fact]
    public void ClockGoingBack_CountsInTheNewestBucket_NeverNegative()
    {
        var q = Answered(QueueOutcomes.Empty, 1, T0.AddMinutes(30));
        q = Abandoned(q, T0);  // a stamp from before the newest bucket

        Assert.Single(q.Minutes);
        Assert.Equal(new OutcomeCounts(1, 1, 1), q.InWindow(T0.AddMinutes(30), 15));
        Assert.Equal(new OutcomeCounts(1, 1, 1), q.OnDay(T0.AddMinutes(30), Utc));
    }

    [Fact]
    public void Day_ResetsAtLocalMidnight_NotUtcMidnight()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        // 2026-01-15 23:30 local is 2026-01-16 04:30Z; local midnight of the 16th is 05:00Z.
        var beforeMidnight = new DateTimeOffset(2026, 1, 16, 4, 30, 0, TimeSpan.Zero);
        var q = Answered(QueueOutcomes.Empty, 1, beforeMidnight, newYork);

        Assert.Equal(1, q.OnDay(beforeMidnight.AddMinutes(29), newYork).Answered);
        Assert.Equal(default, q.OnDay(beforeMidnight.AddMinutes(30), newYork));

        q = Abandoned(q, beforeMidnight.AddMinutes(31), newYork);
        Assert.Equal(new OutcomeCounts(0, 0, 1), q.OnDay(beforeMidnight.AddMinutes(31), newYork));
        Assert.Equal(new DateTimeOffset(2026, 1, 16, 0, 0, 0, TimeSpan.FromHours(-5)),
            QueueOutcomes.LocalMidnight(beforeMidnight.AddMinutes(31), newYork));
    }

    [Fact]
    public void Day_OnADstDay_StartsAtMidnightWithThatMomentsOffset()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        // 2026-11-01: clocks go back at 02:00 EDT; midnight is still EDT (-04:00) = 04:00Z, the day lasts 25 hours.
        var midnight = new DateTimeOffset(2026, 11, 1, 4, 0, 0, TimeSpan.Zero);
        var late = new DateTimeOffset(2026, 11, 2, 4, 59, 0, TimeSpan.Zero); // 23:59 EST on the 1st

        var since = QueueOutcomes.LocalMidnight(late, newYork);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4)), since);
        Assert.Equal(midnight, since);

        var q = Abandoned(QueueOutcomes.Empty, midnight.AddMinutes(-1), newYork); // 23:59 on Oct 31
        q = Answered(q, 1, midnight, newYork);
        q = Answered(q, 1, late, newYork);

        Assert.Equal(new OutcomeCounts(2, 2, 0), q.OnDay(late, newYork));
        Assert.Equal(default, q.OnDay(late.AddMinutes(1), newYork));
    }

    [Fact]
    public void LocalMidnight_ZoneWithoutDst_KeepsItsOffset()
    {
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

        Assert.Equal(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.FromHours(5.5)),
            QueueOutcomes.LocalMidnight(new DateTimeOffset(2026, 1, 14, 20, 0, 0, TimeSpan.Zero), kolkata));
    }

    [Fact]
    public void Window_OutOfBounds_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QueueOutcomes.Empty.InWindow(T0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => QueueOutcomes.Empty.InWindow(T0, QueueOutcomes.MaxWindowMinutes + 1));
    }
}
