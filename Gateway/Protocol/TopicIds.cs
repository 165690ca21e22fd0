namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>How frames name a topic: its organisation and either a user or a group (any may be absent from a client's message).</summary>
public readonly record struct TopicIds(string? OrgId, string? UserId, string? GroupId);
