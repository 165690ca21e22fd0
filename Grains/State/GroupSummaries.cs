namespace FreedomCti.Presence.State;

/// <summary>Arithmetic on <see cref="GroupSummary"/>: O(1) adjustments for member changes, a full count for rare definitions.</summary>
public static class GroupSummaries
{
    /// <summary>Counts from scratch; used when the member list is replaced, and by tests to check the incremental path.</summary>
    public static GroupSummary Compute(IEnumerable<GroupMember> members)
    {
        var counts = new int[6];
        var total = 0;
        foreach (var m in members)
        {
            counts[Index(m.Status)]++;
            total++;
        }
        return new GroupSummary(total, counts[1], counts[2], counts[3], counts[4], counts[5], counts[0]);
    }

    /// <summary>One member moved from one status to another.</summary>
    public static GroupSummary Move(this GroupSummary s, PresenceStatus from, PresenceStatus to) =>
        from == to ? s : s.Adjust(from, -1).Adjust(to, +1);

    public static GroupSummary AddMember(this GroupSummary s, PresenceStatus status) =>
        s.Adjust(status, +1) with { TotalMembers = s.TotalMembers + 1 };

    public static GroupSummary RemoveMember(this GroupSummary s, PresenceStatus status) =>
        s.Adjust(status, -1) with { TotalMembers = s.TotalMembers - 1 };

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
