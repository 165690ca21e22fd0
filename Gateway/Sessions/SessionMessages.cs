using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Sessions;

/// <summary>In-band presence sessions: session_open, session_update and session_close (docs/presence-sessions.md).</summary>
/// <remarks>
/// A socket holds at most one session; the gateway keeps it alive while the socket is open and ends it as "disconnected"
/// when the socket closes (<see cref="SocketSessions"/>). Mistakes get an error frame (4000) and the socket stays
/// open: sessions are optional. The dispatcher has already decided whose session the socket may hold.
/// </remarks>
public static class SessionMessages
{
    public static async Task HandleAsync(ClientMessage message, string orgId, string userId, PresenceConnection connection, ConnectionServices services)
    {
        if (connection.Credentials.Caller is not { } caller || !caller.CanSetPresenceOf(userId))
        {
            // A session writes presence: the same right as PUT .../presence (a token without a role only reads).
            Refuse(connection, "Session messages need a token that may set this user's presence (role agent, supervisor, admin or system).");
            return;
        }
        var fields = message.Session!;
        PresenceStatus? status = null;
        if (fields.Status is not null)
        {
            if (SessionEndpoints.ParseStatus(fields.Status, out var parsed) is { } statusError)
            {
                Refuse(connection, statusError);
                return;
            }
            status = parsed;
        }
        if (fields.Device is { Length: > SessionEndpoints.MaxDeviceLength })
        {
            Refuse(connection, $"device is limited to {SessionEndpoints.MaxDeviceLength} characters.");
            return;
        }

        var sessions = services.Sessions;
        var id = connection.ConnectionId;
        var timeout = services.Options.GrainCallTimeout;
        var result = message.Kind switch
        {
            ClientMessageKind.SessionOpen => await sessions.OpenAsync(id, orgId, userId,
                string.IsNullOrWhiteSpace(fields.Device) ? "websocket" : fields.Device.Trim(), status ?? PresenceStatus.Available).WaitAsync(timeout),
            ClientMessageKind.SessionUpdate => await sessions.ReportAsync(id, orgId, userId, fields.SessionId!,
                new SessionReport(status, fields.Activity)).WaitAsync(timeout),
            _ => await sessions.LogoutAsync(id, orgId, userId, fields.SessionId!).WaitAsync(timeout),
        };
        var now = services.Clock.GetUtcNow();
        switch (result.Outcome)
        {
            case SessionOutcome.Done when message.Kind == ClientMessageKind.SessionOpen && result.Session is { } opened:
                connection.SendControl(PresenceMessageWriter.SessionOpened(opened, sessions.PolicyOf(id), now));
                break;
            case SessionOutcome.Done when message.Kind == ClientMessageKind.SessionClose:
                connection.SendControl(PresenceMessageWriter.SessionClosed(fields.SessionId!, now));
                break;
            case SessionOutcome.Done:
                break; // heartbeats are frequent: success is silent
            case SessionOutcome.Disabled:
                Refuse(connection, $"Organisation '{orgId}' does not use presence sessions.");
                break;
            case SessionOutcome.TooMany:
                Refuse(connection, $"A user may hold at most {State.SessionBook.MaxSessions} sessions.");
                break;
            default:
                Refuse(connection, "Unknown session (its lease may have run out); send session_open again.");
                break;
        }
    }

    private static void Refuse(PresenceConnection connection, string description) =>
        connection.SendControl(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, description));
}
