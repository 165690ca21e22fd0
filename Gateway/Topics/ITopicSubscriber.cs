using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>What a topic needs from a socket: a non-blocking send and a way to end it.</summary>
public interface ITopicSubscriber
{
    string ConnectionId { get; }

    /// <summary>Queues a frame without waiting; a subscriber that falls behind is sent a fresh snapshot instead, one hopelessly behind closes itself.</summary>
    void Send(OutboundFrame frame);

    /// <summary>Sends an error frame, then closes with the error's code.</summary>
    void Close(PresenceError error, string description);
}
