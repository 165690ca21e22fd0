namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>The hub's view of a topic, whatever its kind.</summary>
public interface ITopic
{
    TopicKey Key { get; }
    int SubscriberCount { get; }
    bool IsReleased { get; }
    /// <param name="requiredMember">When set, only a member with this user id may subscribe (agents on groups).</param>
    /// <param name="lastSeq">The last seq the client saw: resume it (replay what it missed) when possible, else a snapshot.</param>
    Task<SubscribeOutcome> AddAsync(ITopicSubscriber subscriber, string? requiredMember = null, long? lastSeq = null);
    void Remove(ITopicSubscriber subscriber);
    Task ResyncAsync(bool resubscribe);
    Task AuditAsync();
}
