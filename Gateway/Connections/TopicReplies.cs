using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>The ids of a topic as its frames carry them.</summary>
public static class TopicReplies
{
    public static TopicIds IdsOf(TopicKey key) =>
        key.Kind == TopicKind.User ? new TopicIds(key.OrgId, key.Id, null) : new TopicIds(key.OrgId, null, key.Id);
}
