using System.Net.WebSockets;
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
        var connection = new PresenceConnection(services.Registry.NextId(), services);
        // Every refusal happens after the upgrade, as an error frame and a close code a browser can read.
        var caller = await ConnectionAdmission.AdmitAsync(context, key.OrgId, key, connection, services);

        services.Registry.Add(connection);
        try
        {
            await RunAsync(socket, connection, new TopicSocketDispatcher(connection, key, services), services, context.RequestAborted);
        }
        finally
        {
            services.Registry.Remove(connection);
            if (caller is not null) services.Quota.Release(caller, key.OrgId);
        }
        return Results.Empty;
    }

    /// <summary>
    /// Runs an accepted socket: the pump moves frames, the dispatcher answers messages. Whatever ends first ends both;
    /// the dispatcher's subscriptions and session are released in <c>finally</c>.
    /// </summary>
    private static async Task RunAsync(WebSocket socket, PresenceConnection connection, ConnectionDispatcher dispatcher,
        ConnectionServices services, CancellationToken stopping)
    {
        // Every log line of this socket (the request's scope too) carries its ids.
        using var scope = services.Logger.BeginScope(dispatcher.LogScope);
        services.Metrics.SocketOpened();
        GatewayLog.ConnectionOpened(services.Logger, connection.ConnectionId, dispatcher.Description);
        try
        {
            await new SocketPump(socket, connection, services).RunAsync(dispatcher.OnMessageAsync, stopping);
        }
        finally
        {
            await dispatcher.DisposeAsync();
            connection.Dispose();
            socket.Abort(); // no-op after a clean close; frees the transport after a failed one
            socket.Dispose();
            services.Metrics.SocketClosed();
            GatewayLog.ConnectionClosed(services.Logger, connection.ConnectionId);
        }
    }
}
