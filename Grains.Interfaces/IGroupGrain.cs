using System.Collections.Immutable;

namespace FreedomCti.Presence;

/// <summary>One user group, keyed "{orgId}/{groupId}": members' last known presence, summary counts and the call queue.</summary>
/// <remarks>A member change costs O(1): the summary is kept incrementally, never recounted.</remarks>
[Alias("fcti.IGroupGrain")]
public interface IGroupGrain : IGrainWithStringKey
{
    /// <summary>The current state, or null when the group is not in the directory.</summary>
    [Alias("GetSnapshot")]
    Task<GroupSnapshot?> GetSnapshotAsync();

    /// <summary>The group topic's current seq (0 when the group does not exist); cheap, for gateways' audits.</summary>
    [Alias("GetSeq")]
    Task<long> GetSeqAsync();

    /// <summary>
    /// The changes published with seq in (lastSeq, upToSeq], in order, from a small in-memory ring (about the last 64
    /// changes of the last 2 minutes of this activation); null unless it holds every one. A QueueChanged event comes
    /// with <see cref="GroupEvent.Group"/> set to the whole group as it was, so it renders exactly as first sent.
    /// </summary>
    [Alias("GetChangesSince"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<GroupEvent>?> GetChangesSinceAsync(long lastSeq, long upToSeq);

    /// <summary>Registers or renews a gateway's watch of this group for <paramref name="lease"/>; nothing is registered for a group not in the directory.</summary>
    /// <remarks>Interleaves: a renewal must not queue behind a slow write, and it only touches the in-memory watcher set.</remarks>
    [Alias("Watch"), Orleans.Concurrency.AlwaysInterleave]
    Task<WatchReceipt> WatchAsync(IGroupObserver observer, TimeSpan lease);

    /// <summary>Ends a gateway's watch (its last local subscriber left).</summary>
    [Alias("Unwatch"), Orleans.Concurrency.AlwaysInterleave]
    Task UnwatchAsync(IGroupObserver observer);

    /// <summary>Creates the group or replaces its name and member list; members already known keep their newer state.</summary>
    [Alias("Define")]
    Task<GroupSnapshot> DefineAsync(string groupName, ImmutableArray<GroupMember> members);

    /// <summary>Removes the group; returns the former member ids so the caller can update the users.</summary>
    [Alias("Delete")]
    Task<IReadOnlyList<string>> DeleteAsync();

    /// <summary>A member's new state, pushed by its user grain; ignored for non-members and for views older than the one held.</summary>
    [Alias("UpdateMember")]
    Task UpdateMemberAsync(GroupMember member);

    /// <summary>Removes one member (user deleted or taken out of the group).</summary>
    [Alias("RemoveMember")]
    Task RemoveMemberAsync(string userId);

    /// <summary>Adds members in place (the directory's "add members"); members already held are left as they are.</summary>
    [Alias("AddMembers")]
    Task<GroupSnapshot?> AddMembersAsync(ImmutableArray<GroupMember> members);

    /// <summary>A call starts waiting in the group's queue with the default maxQueueWait; see <see cref="EnqueueCallAsync(string, TimeSpan)"/>.</summary>
    /// <remarks>Kept for callers of the previous version (rolling upgrades); the gateway passes the organisation's setting.</remarks>
    [Alias("EnqueueCall")]
    Task<QueueMetrics?> EnqueueCallAsync(string callId);

    /// <summary>
    /// A call starts waiting in the group's queue (idempotent per callId while it waits); after <paramref name="maxWait"/>
    /// it leaves by itself with reason Expired. Null when the group does not exist.
    /// </summary>
    [Alias("EnqueueCallWithin")]
    Task<QueueMetrics?> EnqueueCallAsync(string callId, TimeSpan maxWait);

    /// <summary>A waiting call left the queue without a reason; null when the group or the call is unknown. See <see cref="LeaveQueueAsync"/>.</summary>
    [Alias("DequeueCall")]
    Task<QueueMetrics?> DequeueCallAsync(string callId);

    /// <summary>
    /// A call left the queue (answered, abandoned, or unspecified). Idempotent per callId: a call that already left
    /// answers its original departure with <see cref="QueueLeaveResult.Repeated"/> (for as long as the recent departures
    /// keep it, 15 minutes). Null when the group does not exist or the call never waited.
    /// </summary>
    [Alias("LeaveQueue")]
    Task<QueueLeaveResult?> LeaveQueueAsync(string callId, QueueExit reason);

    /// <summary>
    /// A call left the queue, as <see cref="LeaveQueueAsync(string, QueueExit)"/>, with who answered it (reason Answered
    /// only) and the organisation's queue terms, which the group keeps for its figures from now on (time zone, window).
    /// </summary>
    [Alias("LeaveQueueWithOutcome")]
    Task<QueueLeaveResult?> LeaveQueueAsync(string callId, QueueExit reason, string? answeredBy, QueueTerms terms);

    /// <summary>Sets the group's service-level threshold (answered within it counts); the queue's metrics after, null when the group does not exist.</summary>
    [Alias("SetServiceLevelThreshold")]
    Task<QueueMetrics?> SetServiceLevelThresholdAsync(int seconds);
}
