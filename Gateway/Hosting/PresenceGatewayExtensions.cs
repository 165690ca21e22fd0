using System.Text.Json;
using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>Registers and maps the gateway: sockets, topic hub, REST API and health.</summary>
public static class PresenceGatewayExtensions
{
    public static WebApplicationBuilder AddPresenceGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<OrganisationCache>();
        services.AddSingleton<TopicHub>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<ConnectionServices>();
        services.AddSingleton<ApiContext>();
        services.AddHostedService<TopicAuditor>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        services.AddHealthChecks();
        return builder;
    }

    public static WebApplication UsePresenceGateway(this WebApplication app)
    {
        app.UseForwardedHeaders(); // first: the real client address matters to the handshake limiter
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebSockets(); // first: authentication and the handshake limiter ask whether a request is a WebSocket upgrade
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapPresenceSockets();
        app.MapDirectoryApi();
        app.MapPresenceApi();
        app.MapQueueApi();
        app.MapHealthChecks("/health/live");
        return app;
    }
}
