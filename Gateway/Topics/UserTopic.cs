using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>A user topic: holds the latest <see cref="UserSnapshot"/> and renders presence_update frames.</summary>
public sealed class UserTopic(TopicKey key, TopicServices services)
    : Topic<UserEvent, UserSnapshot>(key, services, new UserTopicLink(services.Grains, services.Options.WatchLease, key.GrainKey))
{
    private readonly IUserGrain _grain = services.Grains.GetGrain<IUserGrain>(key.GrainKey);
    private UserSnapshot? _current;
    private SnapshotFrameCache _cache;

    protected override PresenceError MissingError => PresenceCloseCodes.InvalidUserId;

    protected override Task<UserSnapshot?> FetchSnapshotAsync() => _grain.GetSnapshotAsync();

    protected override long SeqOf(UserEvent evt) => evt.Seq;

    protected override Task<IReadOnlyList<UserEvent>?> FetchChangesSinceAsync(long lastSeq, long upToSeq) =>
        _grain.GetChangesSinceAsync(lastSeq, upToSeq);

    protected override byte[]? RenderReplay(UserEvent evt) =>
        evt.Kind == UserEventKind.Changed && evt.User is { } user ? PresenceMessageWriter.UserUpdate(user, snapshot: false, evt.Timestamp) : null;

    protected override string? TraceParentOf(UserEvent evt) => evt.TraceParent;

    protected override DateTimeOffset TimestampOf(UserEvent evt) => evt.Timestamp;

    protected override long Install(UserSnapshot snapshot)
    {
        _current = snapshot;
        _cache = default;
        return snapshot.Seq;
    }

    protected override byte[] RenderSnapshot(DateTimeOffset now) =>
        _cache.GetOrRender(_current!.Seq, now, () => PresenceMessageWriter.UserUpdate(_current, snapshot: true, now));

    protected override TopicChange Apply(UserEvent evt, DateTimeOffset now)
    {
        if (evt.Kind == UserEventKind.Removed || evt.User is null)
        {
            return new TopicChange(null, PresenceCloseCodes.InvalidUserId, "The user was removed from the directory.");
        }
        Install(evt.User);
        return new TopicChange(PresenceMessageWriter.UserUpdate(evt.User, snapshot: false, now));
    }
}
