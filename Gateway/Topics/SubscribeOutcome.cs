namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>How a subscription attempt ended; each failure maps to one close code of the contract.</summary>
public enum SubscribeOutcome
{
    Subscribed,
    OrganisationNotFound,
    TargetNotFound,
    /// <summary>An agent asked for a group it is not a member of.</summary>
    AccessDenied,
    Failed,
}
