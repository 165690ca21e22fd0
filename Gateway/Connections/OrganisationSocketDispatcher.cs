using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// The organisation socket (<c>/organisation/{orgId}</c>): any number of the organisation's users and groups, up to
/// <c>Limits:MaxTopicsPerSocket</c>, on one socket. Each subscribe names its topic as the topic sockets' messages do;
/// each topic keeps its own seq, snapshot, resume, access rule and outbox lane, and is one subscriber of the topic.
/// A refusal or an end that concerns one topic is an error frame naming it, and the socket stays open; only what
/// concerns the socket itself (its token, its rate, its transport, the gateway) closes it.
/// </summary>
public sealed class OrganisationSocketDispatcher : ConnectionDispatcher
{
    private readonly string _orgId;
    private readonly int _maxTopics;
    // Guards the map and the count: topics end subscriptions from their own threads (under their own locks, so
    // nothing here calls into a topic while holding it).
    private readonly object _gate = new();
    private readonly Dictionary<TopicKey, TopicSubscription> _topics = [];
    private int _active;

    public OrganisationSocketDispatcher(PresenceConnection connection, string orgId, ConnectionServices services)
        : base(connection, services)
    {
        _orgId = orgId;
        _maxTopics = services.Limits.MaxTopicsPerSocket;
        LogScope = new Dictionary<string, object>(StringComparer.Ordinal) { ["orgId"] = orgId, ["connectionId"] = connection.ConnectionId };
    }

    public override IReadOnlyDictionary<string, object> LogScope { get; }

    public override string Description => $"organisation:{_orgId}";

    /// <summary>The socket is the organisation's: an organisation that does not exist closes it (4001), as a topic socket's subscribe would.</summary>
    public override async Task OnConnectedAsync()
    {
        bool exists;
        try
        {
            exists = await Services.Organisations.ExistsAsync(_orgId).WaitAsync(Services.Options.GrainCallTimeout);
        }
        catch (Exception ex)
        {
            GatewayLog.ConnectionError(Services.Logger, Connection.ConnectionId, ex);
            Connection.Close(PresenceCloseCodes.SubscriptionFailed, "The organisation could not be looked up; reconnect with backoff.");
            return;
        }
        if (!exists) Connection.Close(PresenceCloseCodes.InvalidOrgId, $"Organisation '{_orgId}' was not found.");
    }

    protected override async Task SubscribeAsync(ClientMessage message)
    {
        if (Target(message) is not { } key) return;
        var caller = Connection.Credentials.Caller;
        if (DisplayScope.Refusal(caller, key) is { } outside)
        {
            Connection.SendControl(TopicError(PresenceCloseCodes.GroupAccessDenied, outside, TopicReplies.IdsOf(key)));
            return;
        }
        if (Reserve(key) is not { } subscription) return;
        // Agents may watch only the groups they belong to; the topic checks membership against the state it holds.
        var requiredMember = key.Kind == TopicKind.Group && caller is { NeedsMembership: true } ? caller.UserId : null;
        var outcome = await Services.Hub.SubscribeAsync(key, subscription, requiredMember, message.LastSeq);
        if (outcome == SubscribeOutcome.Subscribed) return;

        // Refused (also a repeated subscribe of a topic already watched, e.g. after a refresh_token took a role away):
        // the topic must not keep it, and the client is told which topic.
        Services.Hub.Unsubscribe(key, subscription);
        var (error, description) = SubscribeRefusals.Of(outcome, key);
        lock (_gate) Deactivate(subscription);
        subscription.Reply(TopicError(error, description, TopicReplies.IdsOf(key)));
    }

    protected override Task UnsubscribeAsync(ClientMessage message)
    {
        if (Target(message) is not { } key) return Task.CompletedTask;
        TopicSubscription? subscription;
        bool wasActive;
        lock (_gate)
        {
            _topics.TryGetValue(key, out subscription);
            wasActive = subscription is not null && Deactivate(subscription);
        }
        // Frames the topic sends until it lets go still queue ahead of the acknowledgement, on the topic's lane.
        if (wasActive) Services.Hub.Unsubscribe(key, subscription!);
        var reply = PresenceMessageWriter.Unsubscribed(TopicReplies.IdsOf(key), Services.Clock.GetUtcNow());
        if (subscription is not null) subscription.Reply(reply);
        else Connection.SendControl(reply);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The socket holds no user of its own: session_open names the user, who must be the token's own (the same right
    /// as on the agent's user socket: only the right to set that user's presence). One session per socket.
    /// </summary>
    protected override SessionTarget SessionTargetOf(ClientMessage message)
    {
        if (Connection.Credentials.Caller is not { } caller) return SessionTarget.Refused("The socket has no caller.");
        if (message.UserId is null && message.Kind == ClientMessageKind.SessionOpen)
        {
            return SessionTarget.Refused($"session_open on the organisation socket names the token's own user: \"userId\": \"{caller.UserId}\".");
        }
        if (message.UserId is not null && message.UserId != caller.UserId)
        {
            return SessionTarget.Refused($"A socket holds only its token's own session: userId must be '{caller.UserId}'.");
        }
        return SessionTarget.Of(_orgId, caller.UserId);
    }

    protected override void ReleaseSubscriptions()
    {
        List<TopicSubscription> active;
        lock (_gate)
        {
            active = [.. _topics.Values.Where(s => s.Active)];
            foreach (var subscription in active) Deactivate(subscription);
        }
        foreach (var subscription in active) Services.Hub.Unsubscribe(subscription.Key, subscription);
    }

    /// <summary>The topic a (un)subscribe names, or null after an error frame saying why it names none.</summary>
    private TopicKey? Target(ClientMessage message)
    {
        var action = message.Kind == ClientMessageKind.Subscribe ? "subscribe" : "unsubscribe";
        if ((message.UserId is null) == (message.GroupId is null))
        {
            Connection.SendControl(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage,
                $"{action} on the organisation socket names one topic: a userId or a groupId."));
            return null;
        }
        var kind = message.UserId is not null ? TopicKind.User : TopicKind.Group;
        var id = message.UserId ?? message.GroupId!;
        // Echoed, bounded: an error frame must not amplify a hostile message.
        var ids = new TopicIds(Echo(message.OrgId), kind == TopicKind.User ? Echo(id) : null, kind == TopicKind.Group ? Echo(id) : null);
        if (message.OrgId != _orgId)
        {
            Connection.SendControl(TopicError(PresenceCloseCodes.InvalidOrgId,
                $"orgId must be '{_orgId}', the organisation in the connection path.", ids));
            return null;
        }
        if (!PresenceIds.IsValid(id))
        {
            var (error, field) = kind == TopicKind.User ? (PresenceCloseCodes.InvalidUserId, "userId") : (PresenceCloseCodes.InvalidGroupId, "groupId");
            Connection.SendControl(TopicError(error, $"{field} must be 1-64 characters: letters, digits, '.', '_' or '-'.", ids));
            return null;
        }
        return new TopicKey(kind, _orgId, id);
    }

    /// <summary>The topic's subscription, counted as active; null (after a 4009 error frame) when the socket holds its limit.</summary>
    private TopicSubscription? Reserve(TopicKey key)
    {
        lock (_gate)
        {
            if (_topics.TryGetValue(key, out var subscription))
            {
                if (subscription.Active) return subscription; // a repeated subscribe: a fresh snapshot, as on a topic socket
                if (_active < _maxTopics)
                {
                    Activate(subscription);
                    return subscription;
                }
                subscription.Reply(TooMany(key));
                return null;
            }
            Prune();
            // Inactive topics that still hold frames count too, so a client that never reads cannot pile them up.
            if (_active >= _maxTopics || _topics.Count >= 2 * _maxTopics)
            {
                Connection.SendControl(TooMany(key));
                return null;
            }
            subscription = new TopicSubscription(key, Connection, Connection.Outbox.OpenLane(Services.Options.MultiplexedQueueCapacity), OnEnded);
            _topics[key] = subscription;
            Activate(subscription);
            return subscription;
        }
    }

    /// <summary>Called by a topic, under its lock, when it ends the subscription: an error frame naming the topic, behind its frames.</summary>
    private void OnEnded(TopicSubscription subscription, PresenceError error, string description)
    {
        lock (_gate)
        {
            // Unsubscribed (or refused) meanwhile: the client no longer expects anything from this topic.
            if (!Deactivate(subscription)) return;
        }
        subscription.Reply(TopicError(error, description, TopicReplies.IdsOf(subscription.Key)));
    }

    private void Activate(TopicSubscription subscription)
    {
        subscription.Active = true;
        _active++;
    }

    /// <summary>Callers hold the gate. True when it was active.</summary>
    private bool Deactivate(TopicSubscription subscription)
    {
        if (!subscription.Active) return false;
        subscription.Active = false;
        _active--;
        return true;
    }

    /// <summary>Forgets inactive topics whose lane is drained (callers hold the gate); their frames can no longer overtake anything.</summary>
    private void Prune()
    {
        foreach (var (key, subscription) in _topics.Where(t => !t.Value.Active && t.Value.Lane.Count == 0).ToList())
        {
            _topics.Remove(key);
            Connection.Outbox.Remove(subscription.Lane);
        }
    }

    private byte[] TooMany(TopicKey key) => TopicError(PresenceCloseCodes.SubscriptionLimitExceeded,
        $"A socket may watch at most {_maxTopics} topics; unsubscribe from one first, or open another socket.", TopicReplies.IdsOf(key));

    private byte[] TopicError(PresenceError error, string description, TopicIds topic) =>
        PresenceMessageWriter.Error(error, description, RetryHints.For(error, Services.Options), topic);

    private static string? Echo(string? value) => value is null ? null : value.Length <= 64 ? value : value[..64];
}
