using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>A group's call queue: the calls waiting now and the recent departures the average wait is taken over.</summary>
/// <remarks>Departures are kept in arrival order and pruned to <see cref="Window"/> and <see cref="MaxDepartures"/>, so the state stays bounded.</remarks>
public sealed record QueueState
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public const int MaxDepartures = 1_000;

    public static readonly QueueState Empty = new();

    public ImmutableDictionary<string, DateTimeOffset> Waiting { get; init; } =
        ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);

    public ImmutableList<QueueDeparture> Departures { get; init; } = [];

    /// <summary>A call starts waiting; the same instance when it already waits (idempotent).</summary>
    public QueueState Enqueue(string callId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(callId);
        return Waiting.ContainsKey(callId) ? this : this with { Waiting = Waiting.Add(callId, now), Departures = Prune(Departures, now) };
    }

    /// <summary>A waiting call leaves; null when the call is not waiting.</summary>
    public QueueState? Dequeue(string callId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(callId);
        if (!Waiting.TryGetValue(callId, out var enqueuedAt))
        {
            return null;
        }
        var wait = Math.Max(0, (now - enqueuedAt).TotalSeconds);
        return this with { Waiting = Waiting.Remove(callId), Departures = Prune(Departures.Add(new QueueDeparture(now, wait)), now) };
    }

    public QueueMetrics ToMetrics(DateTimeOffset now)
    {
        DateTimeOffset? oldest = null;
        foreach (var enqueuedAt in Waiting.Values)
        {
            if (oldest is null || enqueuedAt < oldest)
            {
                oldest = enqueuedAt;
            }
        }
        // Pruning happens on writes; reads filter too because time passes between them.
        var cutoff = now - Window;
        double sum = 0;
        var count = 0;
        foreach (var d in Departures)
        {
            if (d.LeftAt >= cutoff)
            {
                sum += d.WaitSeconds;
                count++;
            }
        }
        var average = count == 0 ? 0 : (int)Math.Round(sum / count, MidpointRounding.AwayFromZero);
        return new QueueMetrics(Waiting.Count, oldest, average);
    }

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
