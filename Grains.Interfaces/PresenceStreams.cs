using Orleans.Runtime;

namespace FreedomCti.Presence;

/// <summary>Names of the stream provider and of the per-topic streams that carry presence events.</summary>
/// <remarks>One stream per user and one per group; a gateway subscribes once per topic and fans out locally.</remarks>
public static class PresenceStreams
{
    public const string ProviderName = "presence";
    public const string UserNamespace = "user";
    public const string GroupNamespace = "group";

    public static StreamId ForUser(string orgId, string userId) =>
        StreamId.Create(UserNamespace, PresenceIds.Key(orgId, userId));

    public static StreamId ForGroup(string orgId, string groupId) =>
        StreamId.Create(GroupNamespace, PresenceIds.Key(orgId, groupId));
}
