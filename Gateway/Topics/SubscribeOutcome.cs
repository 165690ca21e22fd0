namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>How a subscription attempt ended; each failure maps to one close code of the contract.</summary>
public enum SubscribeOutcome
{
    Subscribed,
    OrganisationNotFound,
    TargetNotFound,
    Failed,
}
