using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// The contract's endpoints: a socket serves exactly the topic in its path. subscribe and unsubscribe must name it,
/// and every refusal (a mismatch, an unknown target, a group the caller may not watch) closes the socket.
/// </summary>
public sealed class TopicSocketDispatcher(PresenceConnection connection, TopicKey path, ConnectionServices services)
    : ConnectionDispatcher(connection, services)
{
    // The topic ending the subscription ends the socket: the contract's close codes.
    private readonly TopicSubscription _subscription = new(path, connection,
        connection.Outbox.OpenLane(services.Options.SendQueueCapacity), (_, error, description) => connection.Close(error, description));

    public override IReadOnlyDictionary<string, object> LogScope { get; } = LogScopes.ForTopic(path, connection.ConnectionId);

    public override string Description => path.ToString();

    protected override async Task SubscribeAsync(ClientMessage message)
    {
        if (Mismatch(message) is { } mismatch)
        {
            Connection.Close(mismatch.Error, mismatch.Description);
            return;
        }
        // Agents may watch only the groups they belong to; the topic checks membership against the state it holds.
        var caller = Connection.Credentials.Caller;
        if (DisplayScope.Refusal(caller, path) is { } outside)
        {
            Connection.Close(PresenceCloseCodes.GroupAccessDenied, outside);
            return;
        }
        var requiredMember = path.Kind == TopicKind.Group && caller is { NeedsMembership: true } ? caller.UserId : null;
        var outcome = await Services.Hub.SubscribeAsync(path, _subscription, requiredMember, message.LastSeq);
        if (outcome == SubscribeOutcome.Subscribed)
        {
            _subscription.Active = true;
            return;
        }
        var (error, description) = SubscribeRefusals.Of(outcome, path);
        Connection.Close(error, description);
    }

    protected override Task UnsubscribeAsync(ClientMessage message)
    {
        if (Mismatch(message) is { } mismatch)
        {
            Connection.Close(mismatch.Error, mismatch.Description);
            return Task.CompletedTask;
        }
        ReleaseSubscriptions();
        _subscription.Reply(PresenceMessageWriter.Unsubscribed(TopicReplies.IdsOf(path), Services.Clock.GetUtcNow()));
        return Task.CompletedTask;
    }

    /// <summary>Only the agent's own user socket may hold the agent's session (the token's sub is the path's userId).</summary>
    protected override SessionTarget SessionTargetOf(ClientMessage message) =>
        path.Kind == TopicKind.User && Connection.Credentials.Caller?.UserId == path.Id
            ? SessionTarget.Of(path.OrgId, path.Id)
            : SessionTarget.Refused("Session messages are only accepted on the agent's own user socket (the token's sub is the path's userId).");

    protected override void ReleaseSubscriptions()
    {
        if (!_subscription.Active) return;
        Services.Hub.Unsubscribe(path, _subscription);
        _subscription.Active = false;
    }

    /// <summary>A (un)subscribe must name exactly the org and user/group of the socket's path.</summary>
    private PendingClose? Mismatch(ClientMessage message)
    {
        if (message.OrgId != path.OrgId)
        {
            return new(PresenceCloseCodes.InvalidOrgId, $"orgId must be '{path.OrgId}', the organisation in the connection path.");
        }
        if (path.Kind == TopicKind.User && message.UserId != path.Id)
        {
            return new(PresenceCloseCodes.InvalidUserId, $"userId must be '{path.Id}', the user in the connection path.");
        }
        if (path.Kind == TopicKind.Group && message.GroupId != path.Id)
        {
            return new(PresenceCloseCodes.InvalidGroupId, $"groupId must be '{path.Id}', the user group in the connection path.");
        }
        return null;
    }
}

/// <summary>A wall display's token watches only the groups of its scope, and no user (docs/security.md, "Wall displays").</summary>
public static class DisplayScope
{
    /// <summary>Why the caller may not watch the topic, or null when the display rule does not stop it (other callers: always null).</summary>
    public static string? Refusal(Security.PresenceCaller? caller, TopicKey key) => caller switch
    {
        { IsDisplay: true } when key.Kind == TopicKind.User => "A wall display's token watches groups only, not users.",
        { IsDisplay: true } when !caller.ScopeAllows(key.Id) => $"This wall display may watch only its groups: {string.Join(", ", caller.Groups.Order(StringComparer.Ordinal))}.",
        _ => null,
    };
}

/// <summary>The error each refused subscribe gets, on every endpoint.</summary>
public static class SubscribeRefusals
{
    public static (PresenceError Error, string Description) Of(SubscribeOutcome outcome, TopicKey key) => outcome switch
    {
        SubscribeOutcome.OrganisationNotFound => (PresenceCloseCodes.InvalidOrgId, $"Organisation '{key.OrgId}' was not found."),
        SubscribeOutcome.TargetNotFound when key.Kind == TopicKind.User =>
            (PresenceCloseCodes.InvalidUserId, $"User '{key.Id}' was not found in organisation '{key.OrgId}'."),
        SubscribeOutcome.TargetNotFound =>
            (PresenceCloseCodes.InvalidGroupId, $"User group '{key.Id}' was not found in organisation '{key.OrgId}'."),
        SubscribeOutcome.AccessDenied =>
            (PresenceCloseCodes.GroupAccessDenied, $"Only members of '{key.Id}', supervisors and admins may watch this group."),
        _ => (PresenceCloseCodes.SubscriptionFailed, "The subscription could not be established; reconnect with backoff."),
    };
}
