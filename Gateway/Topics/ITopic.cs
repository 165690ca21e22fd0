namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>The hub's view of a topic, whatever its kind.</summary>
public interface ITopic
{
    TopicKey Key { get; }
    int SubscriberCount { get; }
    bool IsReleased { get; }
    Task<SubscribeOutcome> AddAsync(ITopicSubscriber subscriber);
    void Remove(ITopicSubscriber subscriber);
    Task ResyncAsync(bool resubscribe);
    Task AuditAsync();
}
