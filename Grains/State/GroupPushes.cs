using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>
/// The groups that may not yet hold a user's latest stored view, and when to push it to them again. A push that
/// failed or timed out is repaired by pushing the whole current view later: views are full state, so the newest one
/// supersedes every one a group missed.
/// </summary>
/// <remarks>
/// The user grain stores <see cref="Pending"/> in the same write as the view it must deliver, and clears it in memory
/// as pushes succeed (the next write stores the cleared set). So an activation that finds a set stored knows that the
/// last view may not have reached those groups (the previous activation died between storing and pushing), unless the
/// change is old: see <see cref="Restored"/>.
/// </remarks>
public sealed record GroupPushes
{
    public static readonly GroupPushes None = new();

    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A stored set older than this is not pushed again on activation. Pushes normally succeed and the set is only
    /// cleared in memory, so without this bound every activation (a group reading its members, say) would push to all
    /// of the user's groups and wake idle ones, which read all their members in turn. A view that old has either
    /// reached its groups or been read by them since they activated.
    /// </summary>
    public static readonly TimeSpan RepairHorizon = TimeSpan.FromMinutes(10);

    public ImmutableSortedSet<string> Pending { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Consecutive failed rounds; the retry delay doubles with each, up to <see cref="MaxRetry"/>.</summary>
    public int Failures { get; init; }

    /// <summary>When to push to <see cref="Pending"/> again; null while no retry is due (pushes in flight or all delivered).</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>What an activation restores from storage: the stored set, due at once, if the last change is recent.</summary>
    public static GroupPushes Restored(IEnumerable<string>? stored, DateTimeOffset changedAt, DateTimeOffset now)
    {
        var pending = ImmutableSortedSet.CreateRange(StringComparer.Ordinal, stored ?? []);
        return pending.Count == 0 || now - changedAt > RepairHorizon ? None : new GroupPushes { Pending = pending, RetryAt = now };
    }

    /// <summary>A new view is stored: these groups must receive it.</summary>
    public GroupPushes Expect(IEnumerable<string> groups) => this with { Pending = Pending.Union(groups) };

    /// <summary>These groups acknowledged the current view; nothing left resets the backoff.</summary>
    public GroupPushes Delivered(IEnumerable<string> groups)
    {
        var pending = Pending.Except(groups);
        return pending.Count == 0 ? None : this with { Pending = pending };
    }

    /// <summary>A round left groups pending: the next one is due after a backoff that doubles per failed round.</summary>
    public GroupPushes Failed(DateTimeOffset now)
    {
        if (Pending.Count == 0) return None;
        var delay = TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, FirstRetry.Ticks << Math.Min(Failures, 16)));
        return this with { Failures = Failures + 1, RetryAt = now + delay };
    }

    /// <summary>Keeps only groups the user still belongs to (a left or deleted group needs nothing).</summary>
    public GroupPushes Within(ImmutableSortedSet<string> groups)
    {
        var pending = Pending.Intersect(groups);
        return pending.Count == 0 ? None : pending.Count == Pending.Count ? this : this with { Pending = pending };
    }
}
