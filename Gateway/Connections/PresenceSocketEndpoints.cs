using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// The contract's two WebSocket paths. A plain GET on the same path (no upgrade) returns the snapshot document.
/// </summary>
public static class PresenceSocketEndpoints
{
    public static IEndpointRouteBuilder MapPresenceSockets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/organisation/{orgId}/user/{userId}", (HttpContext context, string orgId, string userId) =>
            HandleAsync(context, new TopicKey(TopicKind.User, orgId, userId)));
        app.MapGet("/organisation/{orgId}/user-group/{groupId}", (HttpContext context, string orgId, string groupId) =>
            HandleAsync(context, new TopicKey(TopicKind.Group, orgId, groupId)));
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, TopicKey key)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return await SnapshotEndpoints.GetAsync(context.RequestServices, key);
        }

        if (context.RequestServices.GetRequiredService<GatewayDrain>().IsDraining)
        {
            // Sockets already closed with 1012; a new one here would only be closed again. Go to another gateway.
            return Results.Problem(statusCode: 503, title: "Gateway draining", detail: "This gateway is shutting down; connect to another one.");
        }

        var services = context.RequestServices.GetRequiredService<ConnectionServices>();
        var options = services.Options;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
        });
        var connection = new PresenceConnection(socket, key, services.Registry.NextId(), services);

        // Ids are checked before anything else; the socket is accepted first so that browsers see the close code.
        if (!PresenceIds.IsValid(key.OrgId))
        {
            connection.Close(PresenceCloseCodes.InvalidOrgId, "orgId must be 1-64 characters: letters, digits, '.', '_' or '-'.");
        }
        else if (!PresenceIds.IsValid(key.Id))
        {
            connection.Close(
                key.Kind == TopicKind.User ? PresenceCloseCodes.InvalidUserId : PresenceCloseCodes.InvalidGroupId,
                $"{(key.Kind == TopicKind.User ? "userId" : "groupId")} must be 1-64 characters: letters, digits, '.', '_' or '-'.");
        }

        services.Registry.Add(connection);
        try
        {
            await connection.RunAsync(context.RequestAborted);
        }
        finally
        {
            services.Registry.Remove(connection);
        }
        return Results.Empty;
    }
}
