using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// Admits an upgraded socket, in the documented order (docs/protocol.md, "Connection flow"): a valid token, the ids of
/// the path, the token's organisation, then the connection limits. The first check that fails closes the socket
/// with its code; a browser can read it, which it could not from a refused handshake.
/// </summary>
public static class ConnectionAdmission
{
    /// <summary>Returns the caller when admitted (a connection quota is then taken and must be released), else null.</summary>
    /// <param name="path">The path's ids: the organisation, and the user or group of a topic path (null for the organisation socket).</param>
    public static async Task<PresenceCaller?> AdmitAsync(HttpContext context, string orgId, TopicKey? path, PresenceConnection connection, ConnectionServices services)
    {
        // The socket keeps only the caller and the expiry, not the parsed token (see SocketCredentials).
        var credentials = await SocketCredentials.AuthenticateAsync(context, services.Tokens, services.Tickets);
        if (credentials is not ({ } caller, var expiresAt))
        {
            return Refuse(connection, services, PresenceCloseCodes.Unauthorized,
                "A valid bearer token is required: an Authorization header, a ticket query parameter (POST /organisation/{orgId}/socket-tickets) or an access_token query parameter.");
        }
        if (!PresenceIds.IsValid(orgId))
        {
            return Refuse(connection, services, PresenceCloseCodes.InvalidOrgId, "orgId must be 1-64 characters: letters, digits, '.', '_' or '-'.");
        }
        if (path is { } key && !PresenceIds.IsValid(key.Id))
        {
            return Refuse(connection, services,
                key.Kind == TopicKind.User ? PresenceCloseCodes.InvalidUserId : PresenceCloseCodes.InvalidGroupId,
                $"{(key.Kind == TopicKind.User ? "userId" : "groupId")} must be 1-64 characters: letters, digits, '.', '_' or '-'.");
        }
        if (!caller.BelongsTo(orgId))
        {
            return Refuse(connection, services, PresenceCloseCodes.Unauthorized, "The token is for another organisation.");
        }

        string? limit;
        try
        {
            limit = await services.Quota.TryAcquireAsync(caller, orgId, services.Options.GrainCallTimeout).WaitAsync(services.Options.GrainCallTimeout);
        }
        catch (Exception ex)
        {
            GatewayLog.ConnectionError(services.Logger, connection.ConnectionId, ex);
            return Refuse(connection, services, PresenceCloseCodes.ServerError, "Connection limits could not be checked; reconnect with backoff.");
        }
        if (limit is not null)
        {
            return Refuse(connection, services, PresenceCloseCodes.ConnectionLimitExceeded, limit);
        }
        connection.Credentials.Authenticate(caller, expiresAt);
        return caller;
    }

    private static PresenceCaller? Refuse(PresenceConnection connection, ConnectionServices services, PresenceError error, string description)
    {
        GatewayLog.ConnectionRefused(services.Logger, error.Message);
        connection.Close(error, description);
        return null;
    }
}
