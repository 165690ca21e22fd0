namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>The hub's view of a topic, whatever its kind.</summary>
public interface ITopic
{
    TopicKey Key { get; }
    int SubscriberCount { get; }
    bool IsReleased { get; }

    /// <summary>The silo holding the topic's grain at the last watch; null before the first.</summary>
    SiloAddress? Host { get; }

    /// <param name="requiredMember">When set, only a member with this user id may subscribe (agents on groups).</param>
    /// <param name="lastSeq">The last seq the client saw: resume it (replay what it missed) when possible, else a snapshot.</param>
    Task<SubscribeOutcome> AddAsync(ITopicSubscriber subscriber, string? requiredMember = null, long? lastSeq = null);

    void Remove(ITopicSubscriber subscriber);

    /// <summary>Renews the watch's lease and resyncs if events went missing.</summary>
    Task RenewAsync();

    /// <summary>Watches the grain again after the watch was lost; false when the grain could not be reached yet.</summary>
    /// <param name="abandoned">Cancelled when the attempt is given up (it was in flight when a silo was declared dead).</param>
    Task<bool> TryRewatchAsync(CancellationToken abandoned = default);
}
