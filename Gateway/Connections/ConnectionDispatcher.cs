using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Sessions;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// Dispatches one socket's client messages (the role of SignalR's HubConnectionHandler beside its transport): parses
/// each message, takes it from the socket's rate budget, and answers it. ping, refresh_token and the session messages
/// mean the same on every endpoint; what a subscribe names, and what a refused one does, is the endpoint's.
/// </summary>
public abstract class ConnectionDispatcher(PresenceConnection connection, ConnectionServices services) : IAsyncDisposable
{
    protected PresenceConnection Connection { get; } = connection;
    protected ConnectionServices Services { get; } = services;

    /// <summary>The ids every log line of this socket carries.</summary>
    public abstract IReadOnlyDictionary<string, object> LogScope { get; }

    /// <summary>What the socket serves, for the "opened" log line.</summary>
    public abstract string Description { get; }

    /// <summary>Runs once the socket is admitted, before its first message; may close it.</summary>
    public virtual Task OnConnectedAsync() => Task.CompletedTask;

    /// <summary>One complete text message from the pump; parsed before anything is awaited.</summary>
    public Task OnMessageAsync(ReadOnlyMemory<byte> utf8)
    {
        var message = ClientMessageParser.Parse(utf8.Span);
        if (!Connection.TryTakeMessage()) return Task.CompletedTask;
        return message.Kind switch
        {
            ClientMessageKind.Ping => Reply(PresenceMessageWriter.Pong(Services.Clock.GetUtcNow())),
            ClientMessageKind.Subscribe => SubscribeAsync(message),
            ClientMessageKind.Unsubscribe => UnsubscribeAsync(message),
            ClientMessageKind.RefreshToken => Connection.Credentials.RefreshAsync(message.Token!),
            ClientMessageKind.SessionOpen or ClientMessageKind.SessionUpdate or ClientMessageKind.SessionClose => SessionAsync(message),
            _ => Reply(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, message.Problem ?? "Invalid message.")),
        };
    }

    protected abstract Task SubscribeAsync(ClientMessage message);

    protected abstract Task UnsubscribeAsync(ClientMessage message);

    /// <summary>The user whose presence session this message may hold, or why it may hold none (an error frame, 4000).</summary>
    protected abstract SessionTarget SessionTargetOf(ClientMessage message);

    private Task SessionAsync(ClientMessage message) => SessionTargetOf(message) switch
    {
        { Refusal: { } refusal } => Reply(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, refusal)),
        { OrgId: { } orgId, UserId: { } userId } => SessionMessages.HandleAsync(message, orgId, userId, Connection, Services),
        _ => Reply(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, "Session messages are not accepted on this socket.")),
    };

    protected Task Reply(byte[] frame)
    {
        Connection.SendControl(frame);
        return Task.CompletedTask;
    }

    /// <summary>The socket is gone: release its subscriptions, then end its session as disconnected.</summary>
    public async ValueTask DisposeAsync()
    {
        ReleaseSubscriptions();
        await Services.Sessions.DisconnectedAsync(Connection.ConnectionId, Services.Options.GrainCallTimeout);
    }

    protected abstract void ReleaseSubscriptions();
}

/// <summary>Whose session a session message may hold: a user, or the reason why none.</summary>
public readonly record struct SessionTarget(string? OrgId, string? UserId, string? Refusal)
{
    public static SessionTarget Of(string orgId, string userId) => new(orgId, userId, null);

    public static SessionTarget Refused(string why) => new(null, null, why);
}
