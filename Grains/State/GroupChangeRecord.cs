namespace FreedomCti.Presence.State;

/// <summary>
/// One published group change as the resume ring keeps it. A queue change renders as the whole group, so the ring
/// also keeps the (immutable, structurally shared) state it was published from: a few tree nodes per change, not a
/// copy of the member list. The member list is built only when a gateway actually asks to replay it.
/// </summary>
internal sealed record GroupChangeRecord(GroupEvent Event, GroupState? StateForQueue)
{
    /// <summary>The events to hand a resuming gateway; queue changes get the group as it was at their seq.</summary>
    public static IReadOnlyList<GroupEvent>? Replay(List<GroupChangeRecord>? records, string orgId, string groupId)
    {
        if (records is null) return null;
        var events = new List<GroupEvent>(records.Count);
        foreach (var (evt, state) in records)
        {
            events.Add(state is null ? evt : evt with
            {
                Group = new GroupSnapshot(orgId, groupId, evt.Seq, state.GroupName, [.. state.Members.Values], evt.Summary, evt.Queue, evt.Timestamp),
            });
        }
        return events;
    }
}
