using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>A group's members, summary and queue as an immutable value; each transition that yields an event bumps Seq by one.</summary>
/// <remarks>
/// Member changes adjust the summary in O(1) and the member map in O(log n); only a definition (rare) recounts.
/// Queue transitions do not bump Seq: queue events are coalesced, and <see cref="WithQueuePublished"/> marks one.
/// </remarks>
public sealed record GroupState
{
    public static readonly GroupState Empty = new();

    public bool Exists { get; init; }
    public string GroupName { get; init; } = "";

    /// <summary>Members by user id, ordinal order, so snapshots list them stably without sorting.</summary>
    public ImmutableSortedDictionary<string, GroupMember> Members { get; init; } =
        ImmutableSortedDictionary.Create<string, GroupMember>(StringComparer.Ordinal);

    public GroupSummary Summary { get; init; } = GroupSummary.Empty;

    /// <summary>Available members, longest available first: where the summary's longestIdle comes from (<see cref="GroupSummaries"/>).</summary>
    public ImmutableSortedSet<IdleEntry> Idle { get; init; } = GroupSummaries.NoIdle;
    public QueueState Queue { get; init; } = QueueState.Empty;
    public long Seq { get; init; }
    public DateTimeOffset ChangedAt { get; init; }

    /// <summary>Applies a member's newer view; the change is null when nothing a subscriber sees changed.</summary>
    /// <remarks>
    /// A view that differs only in UserSeq (say a status message or last-activity change) is absorbed without an event:
    /// group subscribers do not render those fields, and the higher UserSeq still fences off older views.
    /// </remarks>
    public (GroupState State, MemberChange? Change) WithMemberUpdated(GroupMember member, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (!Exists || !Members.TryGetValue(member.UserId, out var held) || member.UserSeq <= held.UserSeq)
        {
            return (this, null);
        }
        var members = Members.SetItem(member.UserId, member);
        if (member == held with { UserSeq = member.UserSeq })
        {
            return (this with { Members = members }, null);
        }
        var idle = Idle.Reindex(held, member);
        var next = Bump(now) with { Members = members, Idle = idle, Summary = Summary.Move(held, member).WithIdle(idle) };
        return (next, new MemberChange(member, held.Status));
    }

    /// <summary>How many of a member's seqs lie between the view held and <paramref name="member"/>: views the group never got.</summary>
    /// <remarks>
    /// Every visible change of a user is pushed to its groups, so a skip means pushes were lost or reordered (or a join
    /// raced a change). The newer view is whole and replaces them; the count is for logs and metrics.
    /// </remarks>
    public long SkippedSeqs(GroupMember member) =>
        Exists && Members.TryGetValue(member.UserId, out var held) && member.UserSeq > held.UserSeq + 1 ? member.UserSeq - held.UserSeq - 1 : 0;

    /// <summary>Creates the group or replaces its name and members; for members already held the newer view wins.</summary>
    public GroupState WithDefinition(string groupName, IEnumerable<GroupMember> members, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        ArgumentNullException.ThrowIfNull(members);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, GroupMember>(StringComparer.Ordinal);
        foreach (var m in members)
        {
            builder[m.UserId] = Newer(Newer(m, builder.GetValueOrDefault(m.UserId)), Exists ? Members.GetValueOrDefault(m.UserId) : null);
        }
        var map = builder.ToImmutable();
        return (Bump(now) with { Exists = true, GroupName = groupName, Members = map }).Recounted();
    }

    /// <summary>Replaces members' views with fresh ones read on activation; a null view drops the member (the user is gone).</summary>
    /// <returns>The same instance when nothing changed.</returns>
    public GroupState WithMembersRefreshed(IEnumerable<KeyValuePair<string, GroupMember?>> fresh, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        var members = Members;
        foreach (var (userId, view) in fresh)
        {
            if (!members.TryGetValue(userId, out var held))
            {
                continue;
            }
            if (view is null)
            {
                members = members.Remove(userId);
            }
            else if (view.UserSeq > held.UserSeq)
            {
                members = members.SetItem(userId, view);
            }
        }
        return ReferenceEquals(members, Members)
            ? this
            : (Bump(now) with { Members = members }).Recounted();
    }

    /// <summary>Adds members not held yet (members already held keep their view); the same instance when all were members.</summary>
    public GroupState WithMembersAdded(IEnumerable<GroupMember> members, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (!Exists)
        {
            return this;
        }
        var map = Members;
        var summary = Summary;
        var idle = Idle;
        foreach (var m in members)
        {
            if (map.ContainsKey(m.UserId)) continue;
            map = map.Add(m.UserId, m);
            summary = summary.AddMember(m);
            idle = idle.Reindex(null, m);
        }
        return ReferenceEquals(map, Members) ? this : Bump(now) with { Members = map, Idle = idle, Summary = summary.WithIdle(idle) };
    }

    /// <summary>Takes one member out; the same instance when it was not a member.</summary>
    public GroupState WithMemberRemoved(string userId, DateTimeOffset now)
    {
        if (!Exists || !Members.TryGetValue(userId, out var held))
        {
            return this;
        }
        var idle = Idle.Reindex(held, null);
        return Bump(now) with { Members = Members.Remove(userId), Idle = idle, Summary = Summary.RemoveMember(held).WithIdle(idle) };
    }

    /// <summary>The tombstone after deletion; keeps Seq so a re-created group continues above it.</summary>
    public GroupState WithDeleted(DateTimeOffset now) => Empty with { Seq = Seq + 1, ChangedAt = now };

    /// <summary>A call starts waiting for at most <paramref name="maxWait"/>; the same instance when it already waits. No Seq bump (see type remarks).</summary>
    public GroupState WithCallEnqueued(string callId, DateTimeOffset now, TimeSpan maxWait)
    {
        var queue = Queue.Enqueue(callId, now, maxWait);
        return ReferenceEquals(queue, Queue) ? this : this with { Queue = queue };
    }

    /// <summary>A call leaves the queue (see <see cref="QueueState.Leave"/>); null when the queue does not know it. No Seq bump.</summary>
    public (GroupState State, QueueDeparture Departure, bool Repeated)? WithCallLeft(string callId, QueueExit reason, DateTimeOffset now, string? answeredBy = null)
    {
        if (Queue.Leave(callId, reason, now, answeredBy) is not { } leave)
        {
            return null;
        }
        return (leave.Repeated ? this : this with { Queue = leave.Queue }, leave.Departure, leave.Repeated);
    }

    /// <summary>The organisation's queue terms (time zone, window); the same instance when unchanged. No Seq bump.</summary>
    public GroupState WithQueueTerms(QueueTerms terms)
    {
        var queue = Queue.WithTerms(terms);
        return ReferenceEquals(queue, Queue) ? this : this with { Queue = queue };
    }

    /// <summary>The group's service-level threshold; the same instance when unchanged. No Seq bump.</summary>
    public GroupState WithServiceLevelThreshold(int seconds)
    {
        var queue = Queue.WithServiceLevelThreshold(seconds);
        return ReferenceEquals(queue, Queue) ? this : this with { Queue = queue };
    }

    /// <summary>Calls waiting past their expiry leave as expired; the same instance when none is overdue. No Seq bump.</summary>
    public GroupState WithExpiredCalls(DateTimeOffset now)
    {
        var queue = Queue.Expire(now);
        return ReferenceEquals(queue, Queue) ? this : this with { Queue = queue };
    }

    /// <summary>Marks a coalesced QueueChanged event.</summary>
    public GroupState WithQueuePublished(DateTimeOffset now) => Bump(now);

    /// <summary>Starts the seq of a new activation (see <see cref="GroupSeq"/>).</summary>
    public GroupState WithEpoch(long epoch) => this with { Seq = GroupSeq.Start(epoch) };

    public GroupSnapshot ToSnapshot(string orgId, string groupId, DateTimeOffset now) =>
        new(orgId, groupId, Seq, GroupName, [.. Members.Values], Summary, Queue.ToMetrics(now), ChangedAt);

    /// <summary>A group read from storage: the summary and idle index counted from its members.</summary>
    public static GroupState Restored(string groupName, IEnumerable<KeyValuePair<string, GroupMember>> members, QueueState queue, DateTimeOffset changedAt) =>
        new GroupState
        {
            Exists = true,
            GroupName = groupName,
            Members = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, members),
            Queue = queue,
            ChangedAt = changedAt,
        }.Recounted();

    private GroupState Recounted() => this with { Summary = GroupSummaries.Compute(Members.Values, out var idle), Idle = idle };

    private GroupState Bump(DateTimeOffset now) => this with { Seq = Seq + 1, ChangedAt = now };

    private static GroupMember Newer(GroupMember a, GroupMember? b) => b is not null && b.UserSeq > a.UserSeq ? b : a;
}
