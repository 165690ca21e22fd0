namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>The hub's view of a topic, whatever its kind.</summary>
public interface ITopic
{
    TopicKey Key { get; }
    int SubscriberCount { get; }
    bool IsReleased { get; }
    /// <param name="requiredMember">When set, only a member with this user id may subscribe (agents on groups).</param>
    Task<SubscribeOutcome> AddAsync(ITopicSubscriber subscriber, string? requiredMember = null);
    void Remove(ITopicSubscriber subscriber);
    Task ResyncAsync(bool resubscribe);
    Task AuditAsync();
}
