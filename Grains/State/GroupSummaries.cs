using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>An available member in a group's idle index: since when, and who.</summary>
public readonly record struct IdleEntry(DateTimeOffset Since, string UserId)
{
    /// <summary>Oldest first; ties by user id, so the longest idle member is the same on every silo.</summary>
    public static readonly IComparer<IdleEntry> Order = Comparer<IdleEntry>.Create(static (a, b) =>
        a.Since != b.Since ? a.Since.CompareTo(b.Since) : string.CompareOrdinal(a.UserId, b.UserId));

    /// <summary>The entry of a member who is available with a known since; null otherwise (they are not idle, or it is unknown).</summary>
    public static IdleEntry? Of(GroupMember? member) =>
        member is { Status: PresenceStatus.Available, StatusSince: { } since } ? new IdleEntry(since, member.UserId) : null;
}

/// <summary>Arithmetic on <see cref="GroupSummary"/>: O(1) adjustments for member changes, a full count for rare definitions.</summary>
/// <remarks>
/// The longest idle member comes from a sorted index of the available members (<see cref="IdleEntry"/>), O(log n) per
/// change: a scan of a 20,000-member group on every change would cost more than the change.
/// </remarks>
public static class GroupSummaries
{
    public static readonly ImmutableSortedSet<IdleEntry> NoIdle = ImmutableSortedSet.Create(IdleEntry.Order);

    /// <summary>Counts from scratch; used when the member list is replaced, and by tests to check the incremental path.</summary>
    public static GroupSummary Compute(IEnumerable<GroupMember> members) => Compute(members, out _);

    /// <summary>Counts from scratch and builds the idle index the summary's longestIdle is kept from.</summary>
    public static GroupSummary Compute(IEnumerable<GroupMember> members, out ImmutableSortedSet<IdleEntry> idle)
    {
        var counts = new int[6];
        var total = 0;
        var loggedIn = 0;
        var index = NoIdle.ToBuilder();
        foreach (var m in members)
        {
            counts[Index(m.Status)]++;
            total++;
            if (m.LoggedIn) loggedIn++;
            if (IdleEntry.Of(m) is { } entry) index.Add(entry);
        }
        idle = index.ToImmutable();
        return new GroupSummary(total, counts[1], counts[2], counts[3], counts[4], counts[5], counts[0], loggedIn).WithIdle(idle);
    }

    /// <summary>One member's view replaced by another (a status change, or only its since or session).</summary>
    public static GroupSummary Move(this GroupSummary s, GroupMember from, GroupMember to) =>
        (from.Status == to.Status ? s : s.Adjust(from.Status, -1).Adjust(to.Status, +1)) with
        {
            LoggedIn = s.LoggedIn - (from.LoggedIn ? 1 : 0) + (to.LoggedIn ? 1 : 0),
        };

    public static GroupSummary AddMember(this GroupSummary s, GroupMember member) =>
        s.Adjust(member.Status, +1) with { TotalMembers = s.TotalMembers + 1, LoggedIn = s.LoggedIn + (member.LoggedIn ? 1 : 0) };

    public static GroupSummary RemoveMember(this GroupSummary s, GroupMember member) =>
        s.Adjust(member.Status, -1) with { TotalMembers = s.TotalMembers - 1, LoggedIn = s.LoggedIn - (member.LoggedIn ? 1 : 0) };

    /// <summary>The idle index after one member's view changed from <paramref name="from"/> to <paramref name="to"/> (either may be null).</summary>
    public static ImmutableSortedSet<IdleEntry> Reindex(this ImmutableSortedSet<IdleEntry> idle, GroupMember? from, GroupMember? to)
    {
        var before = IdleEntry.Of(from);
        var after = IdleEntry.Of(to);
        if (before == after) return idle;
        if (before is { } b) idle = idle.Remove(b);
        if (after is { } a) idle = idle.Add(a);
        return idle;
    }

    /// <summary>The summary with longestIdle taken from the index.</summary>
    public static GroupSummary WithIdle(this GroupSummary s, ImmutableSortedSet<IdleEntry> idle)
    {
        IdleEntry? longest = idle.Count == 0 ? null : idle.Min;
        return longest is { } l
            ? s.LongestIdle is { } held && held.UserId == l.UserId && held.Since == l.Since ? s : s with { LongestIdle = new LongestIdle(l.UserId, l.Since) }
            : s.LongestIdle is null ? s : s with { LongestIdle = null };
    }

    private static GroupSummary Adjust(this GroupSummary s, PresenceStatus status, int delta) => status switch
    {
        PresenceStatus.Available => s with { Available = s.Available + delta },
        PresenceStatus.Busy => s with { Busy = s.Busy + delta },
        PresenceStatus.OnCall => s with { OnCall = s.OnCall + delta },
        PresenceStatus.Away => s with { Away = s.Away + delta },
        PresenceStatus.Dnd => s with { Dnd = s.Dnd + delta },
        _ => s with { Offline = s.Offline + delta },
    };

    // Unknown enum values count as offline, matching the wire mapping.
    private static int Index(PresenceStatus status) => status is >= PresenceStatus.Offline and <= PresenceStatus.Dnd ? (int)status : 0;
}
