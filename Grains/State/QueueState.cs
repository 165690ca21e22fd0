using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>A call waiting in a queue: since when, and when it leaves by itself if nobody dequeues it.</summary>
public readonly record struct WaitingCall(DateTimeOffset EnqueuedAt, DateTimeOffset ExpiresAt);

/// <summary>A call leaving the queue: the queue after it, the departure, and whether it had already left (a repeat).</summary>
public sealed record QueueLeave(QueueState Queue, QueueDeparture Departure, bool Repeated);

/// <summary>A group's call queue: the calls waiting now and the recent departures the average wait is taken over.</summary>
/// <remarks>
/// Departures are kept in the order they left and pruned to <see cref="Window"/> and <see cref="MaxDepartures"/>, so the
/// state stays bounded; they also answer a repeated dequeue with its original outcome. A call that is never dequeued
/// (the PBX's dequeue was lost) leaves by itself at its <see cref="WaitingCall.ExpiresAt"/> with reason Expired; such a
/// wait is not a real one, so it is not averaged.
/// Outcomes (answered, abandoned) are counted apart from the departures in <see cref="Outcomes"/>, bounded per minute
/// and per day, under the organisation's <see cref="Terms"/> (handed over by each dequeue) and the group's
/// <see cref="ServiceLevelThresholdSeconds"/>; all of it is stored with the queue, so queue writes stay one row.
/// </remarks>
public sealed record QueueState
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public const int MaxDepartures = 1_000;

    public static readonly QueueState Empty = new();

    public ImmutableDictionary<string, WaitingCall> Waiting { get; init; } =
        ImmutableDictionary.Create<string, WaitingCall>(StringComparer.Ordinal);

    public ImmutableList<QueueDeparture> Departures { get; init; } = [];

    /// <summary>Answered and abandoned calls per minute and since the organisation's local midnight.</summary>
    public QueueOutcomes Outcomes { get; init; } = QueueOutcomes.Empty;

    /// <summary>The organisation's time zone and window, as the last dequeue handed them over.</summary>
    public QueueTerms Terms { get; init; } = QueueTerms.Default;

    /// <summary>The group's answer target: an answered call that waited no longer counts towards the service level.</summary>
    public int ServiceLevelThresholdSeconds { get; init; } = QueueTerms.DefaultServiceLevelThresholdSeconds;

    /// <summary>The earliest time a waiting call expires; null when nothing waits.</summary>
    public DateTimeOffset? NextExpiry
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var call in Waiting.Values)
            {
                if (next is null || call.ExpiresAt < next) next = call.ExpiresAt;
            }
            return next;
        }
    }

    /// <summary>A call starts waiting, for at most <paramref name="maxWait"/>; the same instance when it already waits (idempotent).</summary>
    /// <remarks>A call that left earlier may wait again under the same id (re-queued after no answer).</remarks>
    public QueueState Enqueue(string callId, DateTimeOffset now, TimeSpan maxWait)
    {
        ArgumentNullException.ThrowIfNull(callId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxWait, TimeSpan.Zero);
        return Waiting.ContainsKey(callId)
            ? this
            : this with { Waiting = Waiting.Add(callId, new WaitingCall(now, now + maxWait)), Departures = Prune(Departures, now) };
    }

    /// <summary>
    /// A call leaves. A waiting call departs now with <paramref name="reason"/>; one that already left answers its latest
    /// departure (Repeated, the queue unchanged); null for a call this queue does not know (never waited, or forgotten).
    /// </summary>
    /// <param name="answeredBy">Who answered; kept only with reason Answered (an abandoned call was answered by nobody).</param>
    public QueueLeave? Leave(string callId, QueueExit reason, DateTimeOffset now, string? answeredBy = null)
    {
        ArgumentNullException.ThrowIfNull(callId);
        if (Waiting.TryGetValue(callId, out var call))
        {
            var departure = Departed(callId, call, reason, now) with { AnsweredBy = reason == QueueExit.Answered ? answeredBy : null };
            var outcomes = Outcomes.WithDeparture(reason, departure.WaitSeconds, now,
                TimeSpan.FromSeconds(ServiceLevelThresholdSeconds), QueueTimeZones.Find(Terms.TimeZone));
            return new QueueLeave(
                this with { Waiting = Waiting.Remove(callId), Departures = Prune(Departures.Add(departure), now), Outcomes = outcomes },
                departure, Repeated: false);
        }
        for (var i = Departures.Count - 1; i >= 0; i--)
        {
            if (Departures[i].CallId == callId) return new QueueLeave(this, Departures[i], Repeated: true);
        }
        return null;
    }

    /// <summary>Every call waiting past its expiry leaves with reason Expired; the same instance when none is overdue.</summary>
    public QueueState Expire(DateTimeOffset now)
    {
        var overdue = Waiting.Where(w => w.Value.ExpiresAt <= now).OrderBy(w => w.Value.ExpiresAt).ThenBy(w => w.Key, StringComparer.Ordinal).ToList();
        if (overdue.Count == 0)
        {
            return this;
        }
        var departures = Departures.AddRange(overdue.Select(w => Departed(w.Key, w.Value, QueueExit.Expired, now)));
        return this with { Waiting = Waiting.RemoveRange(overdue.Select(w => w.Key)), Departures = Prune(departures, now) };
    }

    /// <summary>The organisation's terms from now on; the same instance when they did not change.</summary>
    /// <remarks>Counts already made stay as they are: a new window or zone shapes what is read, a new day resets today.</remarks>
    public QueueState WithTerms(QueueTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var window = Math.Clamp(terms.WindowMinutes, 1, QueueOutcomes.MaxWindowMinutes);
        var next = terms with { WindowMinutes = window };
        return next == Terms ? this : this with { Terms = next };
    }

    /// <summary>The group's answer target from now on (calls already answered keep how they counted); the same instance when unchanged.</summary>
    public QueueState WithServiceLevelThreshold(int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        return seconds == ServiceLevelThresholdSeconds ? this : this with { ServiceLevelThresholdSeconds = seconds };
    }

    public QueueMetrics ToMetrics(DateTimeOffset now)
    {
        DateTimeOffset? oldest = null;
        foreach (var call in Waiting.Values)
        {
            if (oldest is null || call.EnqueuedAt < oldest)
            {
                oldest = call.EnqueuedAt;
            }
        }
        // Pruning happens on writes; reads filter too because time passes between them.
        var cutoff = now - Window;
        double sum = 0;
        var count = 0;
        foreach (var d in Departures)
        {
            if (d.LeftAt >= cutoff && d.Reason != QueueExit.Expired)
            {
                sum += d.WaitSeconds;
                count++;
            }
        }
        var average = count == 0 ? 0 : (int)Math.Round(sum / count, MidpointRounding.AwayFromZero);
        return new QueueMetrics(Waiting.Count, oldest, average, ServiceLevelThresholdSeconds, WindowPeriod(now), TodayPeriod(now));
    }

    /// <summary>
    /// The next moment after <paramref name="now"/> at which the figures would read differently with no call arriving or
    /// leaving: the oldest outcome in the window leaves it (window counts and rates), the local midnight ends a day that
    /// counted outcomes (today), or the oldest averaged departure leaves <see cref="Window"/> (average wait). Null when
    /// none of them holds anything, so a quiet queue with nothing counted needs no timer.
    /// </summary>
    public DateTimeOffset? NextFiguresChange(DateTimeOffset now)
    {
        var next = Outcomes.WindowDecaysAt(now, Terms.WindowMinutes);
        next = Earliest(next, Outcomes.DayEndsAt(now, QueueTimeZones.Find(Terms.TimeZone)));
        var cutoff = now - Window;
        foreach (var d in Departures)
        {
            // Averaged while LeftAt >= now - Window (see ToMetrics): it stops being averaged one tick past LeftAt + Window.
            // All of them, not the first: a clock that went back can leave them out of order.
            if (d.LeftAt >= cutoff && d.Reason != QueueExit.Expired)
            {
                next = Earliest(next, d.LeftAt + Window + TimeSpan.FromTicks(1));
            }
        }
        return next;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>Outcomes over the organisation's rolling window up to <paramref name="now"/>.</summary>
    public QueuePeriod WindowPeriod(DateTimeOffset now) => Period(Terms.WindowMinutes, null, Outcomes.InWindow(now, Terms.WindowMinutes));

    /// <summary>Outcomes since the organisation's local midnight (zero once a new day began without any).</summary>
    public QueuePeriod TodayPeriod(DateTimeOffset now)
    {
        var zone = QueueTimeZones.Find(Terms.TimeZone);
        return Period(0, QueueOutcomes.LocalMidnight(now, zone), Outcomes.OnDay(now, zone));
    }

    private static QueuePeriod Period(int minutes, DateTimeOffset? since, OutcomeCounts c) =>
        new(minutes, since, c.Answered, c.Abandoned, c.AbandonRate, c.ServiceLevel);

    private static QueueDeparture Departed(string callId, WaitingCall call, QueueExit reason, DateTimeOffset now) =>
        new(callId, reason, now, Math.Max(0, (now - call.EnqueuedAt).TotalSeconds));

    private static ImmutableList<QueueDeparture> Prune(ImmutableList<QueueDeparture> departures, DateTimeOffset now)
    {
        var cutoff = now - Window;
        var drop = 0;
        while (drop < departures.Count && (departures[drop].LeftAt < cutoff || departures.Count - drop > MaxDepartures))
        {
            drop++;
        }
        return drop == 0 ? departures : departures.RemoveRange(0, drop);
    }
}
