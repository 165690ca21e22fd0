using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// One socket's subscription to one topic: the subscriber the topic fans out to, with its own outbox lane, so the
/// topic's frames and replies keep their order and conflate apart from other topics. One object per topic for the
/// socket's life: subscribing again after an unsubscribe reuses it, so old frames still queued cannot overtake new ones.
/// </summary>
public sealed class TopicSubscription(TopicKey key, PresenceConnection connection, OutboxLane lane, Action<TopicSubscription, PresenceError, string> ended)
    : ITopicSubscriber
{
    public TopicKey Key { get; } = key;

    /// <summary>Whether the topic currently counts this subscription among its subscribers (owned by the dispatcher).</summary>
    public bool Active { get; set; }

    public OutboxLane Lane { get; } = lane;

    public void Send(OutboundFrame frame) => connection.Send(Lane, frame);

    public void Ended(PresenceError error, string description) => ended(this, error, description);

    /// <summary>Queues a reply that concerns this topic (unsubscribed, an error naming it) behind its frames.</summary>
    public void Reply(byte[] frame) => connection.Send(Lane, OutboundFrame.Control(frame));
}
