using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// One subscription of a topic: a non-blocking send, and the end the topic may put to it. A subscription is not
/// necessarily a whole socket: on a socket that carries many topics, each is its own subscriber.
/// </summary>
public interface ITopicSubscriber
{
    /// <summary>Queues a frame without waiting; a subscriber that falls behind is sent a fresh snapshot instead, one hopelessly behind closes its socket.</summary>
    void Send(OutboundFrame frame);

    /// <summary>
    /// The topic ended this subscription and has already let it go: its target was removed, or the subscriber may no
    /// longer watch it. The subscriber tells its client with this error: a socket serving only this topic closes
    /// with it, a socket serving many sends an error frame naming the topic and stays open.
    /// </summary>
    void Ended(PresenceError error, string description);
}
