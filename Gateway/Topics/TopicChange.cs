using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>What applying one event produced: a frame for every subscriber, and whether the topic ended.</summary>
public readonly record struct TopicChange(byte[]? Frame, PresenceError? Terminal = null, string? TerminalDescription = null,
    bool Resync = false, bool MembershipChanged = false);
