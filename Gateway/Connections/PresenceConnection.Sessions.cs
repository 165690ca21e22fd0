using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>In-band presence sessions: an agent's desktop holds its session on its own user socket (docs/presence-sessions.md).</summary>
/// <remarks>
/// A socket holds at most one session; the gateway renews it while the socket is open and ends it as "disconnected"
/// when the socket closes. Mistakes get an error frame (4000) and the socket stays open: sessions are optional.
/// </remarks>
public sealed partial class PresenceConnection
{
    private async Task HandleSessionAsync(ClientMessage message)
    {
        if (_path.Kind != TopicKind.User || _caller?.UserId != _path.Id)
        {
            await SendNow(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage,
                "Session messages are only accepted on the agent's own user socket (the token's sub is the path's userId)."));
            return;
        }
        if (!_caller.CanSetPresenceOf(_path.Id))
        {
            // A session writes presence: the same right as PUT .../presence (a token without a role only reads).
            await SendNow(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage,
                "Session messages need a token that may set this user's presence (role agent, supervisor, admin or system)."));
            return;
        }
        var fields = message.Session!;
        PresenceStatus? status = null;
        if (fields.Status is not null)
        {
            if (SessionEndpoints.ParseStatus(fields.Status, out var parsed) is { } statusError)
            {
                await SendNow(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, statusError));
                return;
            }
            status = parsed;
        }
        if (fields.Device is { Length: > SessionEndpoints.MaxDeviceLength })
        {
            await SendNow(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, $"device is limited to {SessionEndpoints.MaxDeviceLength} characters."));
            return;
        }

        var sessions = _services.Sessions;
        var result = message.Kind switch
        {
            ClientMessageKind.SessionOpen => await sessions.OpenAsync(ConnectionId, _path.OrgId, _path.Id,
                string.IsNullOrWhiteSpace(fields.Device) ? "websocket" : fields.Device.Trim(), status ?? PresenceStatus.Available)
                .WaitAsync(_options.GrainCallTimeout),
            ClientMessageKind.SessionUpdate => await sessions.ReportAsync(ConnectionId, _path.OrgId, _path.Id, fields.SessionId!,
                new SessionReport(status, fields.Activity)).WaitAsync(_options.GrainCallTimeout),
            _ => await sessions.LogoutAsync(ConnectionId, _path.OrgId, _path.Id, fields.SessionId!).WaitAsync(_options.GrainCallTimeout),
        };
        var now = _clock.GetUtcNow();
        switch (result.Outcome)
        {
            case SessionOutcome.Done when message.Kind == ClientMessageKind.SessionOpen && result.Session is { } opened:
                await SendNow(PresenceMessageWriter.SessionOpened(opened, sessions.PolicyOf(ConnectionId), now));
                break;
            case SessionOutcome.Done when message.Kind == ClientMessageKind.SessionClose:
                await SendNow(PresenceMessageWriter.SessionClosed(fields.SessionId!, now));
                break;
            case SessionOutcome.Done:
                break; // heartbeats are frequent: success is silent
            case SessionOutcome.Disabled:
                await SendNow(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, $"Organisation '{_path.OrgId}' does not use presence sessions."));
                break;
            case SessionOutcome.TooMany:
                await SendNow(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, $"A user may hold at most {State.SessionBook.MaxSessions} sessions."));
                break;
            default:
                await SendNow(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, "Unknown session (its lease may have run out); send session_open again."));
                break;
        }
    }

    /// <summary>The socket is gone: its session ends as disconnected (stale for the grace period, then offline if it was the last).</summary>
    private Task EndSessionAsync() => _services.Sessions.DisconnectedAsync(ConnectionId, _options.GrainCallTimeout);
}
