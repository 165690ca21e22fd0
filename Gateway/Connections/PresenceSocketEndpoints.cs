using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// The contract's two WebSocket paths. A plain GET on the same path (no upgrade) returns the snapshot document.
/// </summary>
public static class PresenceSocketEndpoints
{
    public static IEndpointRouteBuilder MapPresenceSockets(this IEndpointRouteBuilder app)
    {
        // The access rule is checked inside HandleAsync (sockets answer with close codes, not 401); the metadata only
        // describes the plain-GET snapshot in the OpenAPI document.
        app.MapGet("/organisation/{orgId}/user/{userId}", (HttpContext context, string orgId, string userId) =>
                HandleAsync(context, new TopicKey(TopicKind.User, orgId, userId)))
            .WithMetadata(new ApiAccessMetadata(ApiAccess.Read)).ProducesRouteProblems()
            .Describe(ApiMetadata.Tags.Snapshots, "GetUserSnapshot", "Read a user's presence (or open a user socket)",
                "Without `Upgrade: websocket`: the snapshot document a subscriber receives first. With it, the same path " +
                "opens a presence socket; that protocol is described in docs/asyncapi.yaml, not here.")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/organisation/{orgId}/user-group/{groupId}", (HttpContext context, string orgId, string groupId) =>
                HandleAsync(context, new TopicKey(TopicKind.Group, orgId, groupId)))
            .WithMetadata(new ApiAccessMetadata(ApiAccess.Read)).ProducesRouteProblems()
            .Describe(ApiMetadata.Tags.Snapshots, "GetGroupSnapshot", "Read a group's presence (or open a group socket)",
                "Without `Upgrade: websocket`: the snapshot document a subscriber receives first. Agents may read only the " +
                "groups they are in (403 otherwise). With the upgrade, the same path opens a presence socket; see " +
                "docs/asyncapi.yaml.")
            .Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, TopicKey key)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return ApiAccessExtensions.Check(context, ApiAccess.Read) ?? await SnapshotEndpoints.GetAsync(context, key);
        }

        if (context.RequestServices.GetRequiredService<GatewayDrain>().IsDraining)
        {
            // Sockets already closed with 1012; a new one here would only be closed again. Go to another gateway.
            return Results.Problem(statusCode: 503, title: "Gateway draining", detail: "This gateway is shutting down; connect to another one.");
        }

        var services = context.RequestServices.GetRequiredService<ConnectionServices>();
        // Refused before the upgrade: a hijacking page must not even get an open socket.
        if (!OriginPolicy.Allows(context.Request.Headers.Origin, services.Limits.EffectiveAllowedOrigins, OriginPolicy.SelfOrigin(context.Request)))
        {
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: "This origin may not open presence sockets.");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = services.Options.KeepAliveInterval,
            KeepAliveTimeout = services.Options.KeepAliveTimeout,
        });
        var connection = new PresenceConnection(socket, key, services.Registry.NextId(), services);
        // Every refusal happens after the upgrade, as an error frame and a close code a browser can read.
        var caller = await AdmitAsync(context, key, connection, services);

        services.Registry.Add(connection);
        try
        {
            await connection.RunAsync(context.RequestAborted);
        }
        finally
        {
            services.Registry.Remove(connection);
            if (caller is not null) services.Quota.Release(caller, key.OrgId);
        }
        return Results.Empty;
    }

    /// <summary>Authenticates and admits the socket; returns the caller when a connection quota was taken.</summary>
    private static async Task<PresenceCaller?> AdmitAsync(HttpContext context, TopicKey key, PresenceConnection connection, ConnectionServices services)
    {
        // The socket keeps only the caller and the expiry, not the parsed token (see SocketCredentials).
        var credentials = await SocketCredentials.AuthenticateAsync(context, services.Tokens);
        if (credentials is not ({ } caller, var expiresAt))
        {
            Refuse(connection, services, PresenceCloseCodes.Unauthorized,
                "A valid bearer token is required: an Authorization header or an access_token query parameter.");
            return null;
        }
        if (!PresenceIds.IsValid(key.OrgId))
        {
            Refuse(connection, services, PresenceCloseCodes.InvalidOrgId, "orgId must be 1-64 characters: letters, digits, '.', '_' or '-'.");
            return null;
        }
        if (!PresenceIds.IsValid(key.Id))
        {
            Refuse(connection, services,
                key.Kind == TopicKind.User ? PresenceCloseCodes.InvalidUserId : PresenceCloseCodes.InvalidGroupId,
                $"{(key.Kind == TopicKind.User ? "userId" : "groupId")} must be 1-64 characters: letters, digits, '.', '_' or '-'.");
            return null;
        }
        if (!caller.BelongsTo(key.OrgId))
        {
            Refuse(connection, services, PresenceCloseCodes.Unauthorized, "The token is for another organisation.");
            return null;
        }

        string? limit;
        try
        {
            limit = await services.Quota.TryAcquireAsync(caller, key.OrgId).WaitAsync(services.Options.GrainCallTimeout);
        }
        catch (Exception ex)
        {
            GatewayLog.ConnectionError(services.Logger, connection.ConnectionId, ex);
            Refuse(connection, services, PresenceCloseCodes.ServerError, "Connection limits could not be checked; reconnect with backoff.");
            return null;
        }
        if (limit is not null)
        {
            Refuse(connection, services, PresenceCloseCodes.ConnectionLimitExceeded, limit);
            return null;
        }
        connection.Authenticate(caller, expiresAt);
        return caller;
    }

    private static void Refuse(PresenceConnection connection, ConnectionServices services, PresenceError error, string description)
    {
        GatewayLog.ConnectionRefused(services.Logger, error.Message);
        connection.Close(error, description);
    }
}
