using System.Net.WebSockets;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// The contract's two WebSocket paths, where a plain GET (no upgrade) returns the snapshot document, and the
/// organisation socket, which answers only upgrades (a plain GET on its path reads the organisation over REST).
/// </summary>
public static class PresenceSocketEndpoints
{
    /// <summary>Registers what the sockets need: the connection registry and services, and upgrade-only routing.</summary>
    public static IServiceCollection AddPresenceSockets(this IServiceCollection services)
    {
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<ConnectionServices>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, WebSocketUpgradeOnlyPolicy>());
        return services;
    }

    public static IEndpointRouteBuilder MapPresenceSockets(this IEndpointRouteBuilder app)
    {
        // Upgrades only, ahead of the REST route on the same path (GET /organisation/{orgId} reads the organisation).
        app.MapGet("/organisation/{orgId}", (HttpContext context, string orgId) =>
                AcceptAsync(context, orgId, null, connection => new OrganisationSocketDispatcher(connection, orgId, connection.Services)))
            .WithMetadata(WebSocketUpgradeOnly.Instance).WithOrder(-1).ExcludeFromDescription();
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
        return await AcceptAsync(context, key.OrgId, key, connection => new TopicSocketDispatcher(connection, key, connection.Services));
    }

    /// <param name="path">The topic of a topic path; null for the organisation socket.</param>
    private static async Task<IResult> AcceptAsync(HttpContext context, string orgId, TopicKey? path,
        Func<PresenceConnection, ConnectionDispatcher> dispatcherFor)
    {
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
        // An organisation socket may subscribe all its topics at once after a reconnect.
        var connection = new PresenceConnection(services.Registry.NextId(), services, path is null ? services.Limits.MaxTopicsPerSocket : 0);
        var dispatcher = dispatcherFor(connection);
        // Every refusal happens after the upgrade, as an error frame and a close code a browser can read.
        var caller = await ConnectionAdmission.AdmitAsync(context, orgId, path, connection, services);
        if (caller is not null) await dispatcher.OnConnectedAsync();

        services.Registry.Add(connection);
        try
        {
            await RunAsync(socket, connection, dispatcher, services, context.RequestAborted);
        }
        finally
        {
            services.Registry.Remove(connection);
            if (caller is not null) services.Quota.Release(caller, orgId);
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
