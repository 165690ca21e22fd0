using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>Calls that left a queue in one period: answered (and of those, within the service-level threshold) and abandoned.</summary>
public readonly record struct OutcomeCounts(int Answered, int AnsweredWithinThreshold, int Abandoned)
{
    /// <summary>Calls that count in the rates: answered plus abandoned. Expired and unspecified departures are not outcomes.</summary>
    public int Decided => Answered + Abandoned;

    /// <summary>abandoned / (answered + abandoned) as a percentage 0–100 rounded to one decimal; null when no call left.</summary>
    public double? AbandonRate => Percent(Abandoned, Decided);

    /// <summary>answered within threshold / (answered + abandoned) as a percentage 0–100 rounded to one decimal; null when no call left.</summary>
    public double? ServiceLevel => Percent(AnsweredWithinThreshold, Decided);

    public OutcomeCounts Add(OutcomeCounts other) =>
        new(Answered + other.Answered, AnsweredWithinThreshold + other.AnsweredWithinThreshold, Abandoned + other.Abandoned);

    private static double? Percent(int part, int whole) =>
        whole <= 0 ? null : Math.Round(100.0 * part / whole, 1, MidpointRounding.AwayFromZero);
}

/// <summary>
/// The outcomes of a queue's departures, bounded: one bucket per minute for the rolling window (at most
/// <see cref="MaxWindowMinutes"/> buckets) and one counter for the organisation's local day, reset at local midnight.
/// </summary>
/// <remarks>
/// Counts only ever grow, so a wrong clock cannot make them negative: a departure stamped before the newest bucket (the
/// clock went back) counts in the newest bucket, and one stamped on an earlier local day than the day counter counts in
/// the current day. Only answered and abandoned calls are outcomes; expired calls (presumed lost, their dequeue never
/// came) and unspecified departures (the caller did not say) are in neither rate.
/// </remarks>
public sealed record QueueOutcomes
{
    /// <summary>The longest rolling window an organisation may choose (queueWindowMinutes' upper bound).</summary>
    public const int MaxWindowMinutes = 120;

    public static readonly QueueOutcomes Empty = new();

    /// <summary>Per-minute buckets keyed by minutes since the Unix epoch (UTC), oldest first.</summary>
    public ImmutableSortedDictionary<long, OutcomeCounts> Minutes { get; init; } = ImmutableSortedDictionary<long, OutcomeCounts>.Empty;

    /// <summary>The organisation's local date <see cref="Today"/> counts; null before the first outcome.</summary>
    public DateOnly? Day { get; init; }

    public OutcomeCounts Today { get; init; }

    /// <summary>
    /// A call left after waiting <paramref name="waitSeconds"/>; the same instance when its reason is not an outcome.
    /// An answered call counts within threshold when it waited no longer than <paramref name="threshold"/>.
    /// </summary>
    public QueueOutcomes WithDeparture(QueueExit reason, double waitSeconds, DateTimeOffset at, TimeSpan threshold, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        OutcomeCounts one;
        switch (reason)
        {
            case QueueExit.Answered:
                one = new OutcomeCounts(1, waitSeconds <= threshold.TotalSeconds ? 1 : 0, 0);
                break;
            case QueueExit.Abandoned:
                one = new OutcomeCounts(0, 0, 1);
                break;
            default:
                return this;
        }

        var minute = MinuteOf(at);
        if (Minutes.Count > 0)
        {
            minute = Math.Max(minute, Minutes.Keys.Last());
        }
        var minutes = Minutes.SetItem(minute, Minutes.GetValueOrDefault(minute).Add(one));
        var cutoff = minute - MaxWindowMinutes;
        var stale = minutes.Keys.TakeWhile(k => k <= cutoff).ToList();
        if (stale.Count > 0)
        {
            minutes = minutes.RemoveRange(stale);
        }

        var day = LocalDate(at, zone);
        if (Day is { } current && day <= current)
        {
            return this with { Minutes = minutes, Today = Today.Add(one) };
        }
        return this with { Minutes = minutes, Day = day, Today = one };
    }

    /// <summary>The outcomes of the last <paramref name="windowMinutes"/> minutes up to <paramref name="now"/> (its current minute included).</summary>
    public OutcomeCounts InWindow(DateTimeOffset now, int windowMinutes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMinutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowMinutes, MaxWindowMinutes);
        var from = MinuteOf(now) - windowMinutes;
        var sum = default(OutcomeCounts);
        foreach (var (minute, counts) in Minutes)
        {
            if (minute > from)
            {
                sum = sum.Add(counts);
            }
        }
        return sum;
    }

    /// <summary>
    /// When the oldest bucket counted in the window up to <paramref name="now"/> leaves it, so that
    /// <see cref="InWindow"/> reads less by time alone; null when the window holds nothing. Always after <paramref name="now"/>.
    /// </summary>
    public DateTimeOffset? WindowDecaysAt(DateTimeOffset now, int windowMinutes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMinutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowMinutes, MaxWindowMinutes);
        var from = MinuteOf(now) - windowMinutes;
        foreach (var minute in Minutes.Keys)
        {
            // Oldest first: the first bucket in the window is the first to leave it, at the start of minute + window.
            if (minute > from) return DateTimeOffset.FromUnixTimeSeconds((minute + windowMinutes) * 60);
        }
        return null;
    }

    /// <summary>
    /// The local midnight after <paramref name="now"/>, when <see cref="OnDay"/> starts over; null when today counts
    /// nothing (a new day changes no figure then). Always after <paramref name="now"/>.
    /// </summary>
    public DateTimeOffset? DayEndsAt(DateTimeOffset now, TimeZoneInfo zone) =>
        OnDay(now, zone).Decided == 0 ? null : NextLocalMidnight(now, zone);

    /// <summary>The first local midnight after <paramref name="now"/> in <paramref name="zone"/> (a local day lasts 23 to 25 hours).</summary>
    public static DateTimeOffset NextLocalMidnight(DateTimeOffset now, TimeZoneInfo zone) =>
        LocalMidnight(LocalMidnight(now, zone).AddHours(26), zone);

    /// <summary>The outcomes since the local midnight of <paramref name="now"/>'s day; zero when the counter is from an earlier day.</summary>
    public OutcomeCounts OnDay(DateTimeOffset now, TimeZoneInfo zone) =>
        Day is { } day && day >= LocalDate(now, zone) ? Today : default;

    /// <summary>The local midnight that starts <paramref name="now"/>'s day in <paramref name="zone"/>, with that moment's offset.</summary>
    /// <remarks>Where a zone skips midnight (a DST change at 00:00) the day starts at the first local time that exists.</remarks>
    public static DateTimeOffset LocalMidnight(DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = DateTime.SpecifyKind(local.Date, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(1);
        }
        var offset = zone.IsAmbiguousTime(midnight)
            ? zone.GetAmbiguousTimeOffsets(midnight).Max()
            : zone.GetUtcOffset(midnight);
        return new DateTimeOffset(midnight, offset);
    }

    private static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60 - (at.ToUnixTimeSeconds() < 0 && at.ToUnixTimeSeconds() % 60 != 0 ? 1 : 0);

    private static DateOnly LocalDate(DateTimeOffset at, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
}
