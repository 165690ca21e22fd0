namespace FreedomCti.Presence.Gateway.Topics;

public enum TopicKind
{
    User,
    Group,
}

/// <summary>Identifies one presence topic: a user or a group of one organisation.</summary>
public readonly record struct TopicKey(TopicKind Kind, string OrgId, string Id)
{
    public string GrainKey => PresenceIds.Key(OrgId, Id);

    public override string ToString() => $"{(Kind == TopicKind.User ? "user" : "group")}:{OrgId}/{Id}";
}
