using System.Collections.Immutable;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// A group topic: holds the group's members, summary and queue as of the last seq, and renders
/// member_presence_update (one member changed) and group_presence_update (snapshot, queue or membership) frames.
/// </summary>
/// <remarks>A member change is O(1) here: one dictionary write and one small frame, whatever the group size.</remarks>
public sealed class GroupTopic(TopicKey key, TopicServices services)
    : Topic<GroupEvent, GroupSnapshot>(key, services, new GroupTopicLink(services.Grains, services.Options.WatchLease, key.GrainKey))
{
    private readonly IGroupGrain _grain = services.Grains.GetGrain<IGroupGrain>(key.GrainKey);
    private readonly Dictionary<string, GroupMember> _members = new(StringComparer.Ordinal);
    private ImmutableArray<string> _order = [];
    private string _groupName = "";
    private GroupSummary _summary = GroupSummary.Empty;
    private QueueMetrics _queue = QueueMetrics.Empty;
    private DateTimeOffset _changedAt;
    private long _seq;
    private SnapshotFrameCache _cache;

    protected override PresenceError MissingError => PresenceCloseCodes.InvalidGroupId;

    protected override Task<GroupSnapshot?> FetchSnapshotAsync() => _grain.GetSnapshotAsync();

    protected override long SeqOf(GroupEvent evt) => evt.Seq;

    protected override Task<IReadOnlyList<GroupEvent>?> FetchChangesSinceAsync(long lastSeq, long upToSeq) =>
        _grain.GetChangesSinceAsync(lastSeq, upToSeq);

    /// <summary>Seqs of different epochs (seq &gt;&gt; 32) belong to different activations of the group: a gap between them never fills.</summary>
    protected override bool SameRun(long seq, long other) => seq >> 32 == other >> 32;

    /// <summary>Renders as <see cref="Apply"/> does, from the event alone: the grain sends queue changes with the group as it was.</summary>
    protected override byte[]? RenderReplay(GroupEvent evt) => evt switch
    {
        { Kind: GroupEventKind.MemberChanged, Member: { } change } =>
            PresenceMessageWriter.MemberUpdate(Key.Id, evt.Seq, evt.Timestamp, change, evt.Summary, evt.Timestamp),
        { Kind: GroupEventKind.QueueChanged or GroupEventKind.GroupChanged, Group: { } group } =>
            PresenceMessageWriter.GroupUpdate(group, snapshot: false, evt.Timestamp, evt.Timestamp),
        _ => null,
    };

    protected override string? TraceParentOf(GroupEvent evt) => evt.TraceParent;

    protected override DateTimeOffset TimestampOf(GroupEvent evt) => evt.Timestamp;

    protected override long Install(GroupSnapshot snapshot)
    {
        _members.Clear();
        foreach (var member in snapshot.Members) _members[member.UserId] = member;
        _order = snapshot.Members.Select(m => m.UserId).ToImmutableArray();
        _groupName = snapshot.GroupName;
        _summary = snapshot.Summary;
        _queue = snapshot.Queue;
        _changedAt = snapshot.ChangedAt;
        _seq = snapshot.Seq;
        _cache = default;
        return snapshot.Seq;
    }

    protected override bool HasMember(string userId) => _members.ContainsKey(userId);

    protected override byte[] RenderSnapshot(DateTimeOffset now) =>
        _cache.GetOrRender(_seq, now, () => PresenceMessageWriter.GroupUpdate(ToSnapshot(), snapshot: true, _changedAt, now));

    protected override TopicChange Apply(GroupEvent evt, DateTimeOffset now)
    {
        _seq = evt.Seq;
        _changedAt = evt.Timestamp;
        switch (evt.Kind)
        {
            case GroupEventKind.MemberChanged when evt.Member is { } change && _members.ContainsKey(change.Member.UserId):
                _members[change.Member.UserId] = change.Member;
                _summary = evt.Summary;
                _queue = evt.Queue;
                return new TopicChange(PresenceMessageWriter.MemberUpdate(Key.Id, evt.Seq, evt.Timestamp, change, evt.Summary, now));

            case GroupEventKind.QueueChanged:
                _summary = evt.Summary;
                _queue = evt.Queue;
                return new TopicChange(PresenceMessageWriter.GroupUpdate(ToSnapshot(), snapshot: false, evt.Timestamp, now));

            case GroupEventKind.GroupChanged when evt.Group is { } group:
                Install(group);
                return new TopicChange(PresenceMessageWriter.GroupUpdate(group, snapshot: false, evt.Timestamp, now), MembershipChanged: true);

            case GroupEventKind.Removed:
                return new TopicChange(null, PresenceCloseCodes.InvalidGroupId, "The group was removed from the directory.");

            default:
                // A member we do not hold, or a malformed event: our view is out of step, so start over from the grain.
                return new TopicChange(null, Resync: true);
        }
    }

    private GroupSnapshot ToSnapshot()
    {
        var members = ImmutableArray.CreateBuilder<GroupMember>(_order.Length);
        foreach (var id in _order) members.Add(_members[id]);
        return new GroupSnapshot(Key.OrgId, Key.Id, _seq, _groupName, members.MoveToImmutable(), _summary, _queue, _changedAt);
    }
}
