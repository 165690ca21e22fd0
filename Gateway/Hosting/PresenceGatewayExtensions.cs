using System.Text.Json;
using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>Registers and maps the gateway: sockets, topic hub, REST API, readiness, drain and metrics.</summary>
public static class PresenceGatewayExtensions
{
    public static WebApplicationBuilder AddPresenceGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(GatewayOptions.Section);
        services.AddOptions<GatewayOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<OrganisationCache>();
        services.AddSingleton<TopicHub>();
        services.AddPresenceSockets(); // registry, connection services, upgrade-only routing (Connections/PresenceSocketEndpoints.cs)
        services.AddSingleton<ApiContext>();
        services.AddHostedService<TopicRenewer>();
        services.TryAddSingleton<GatewayInstance>();
        services.AddSingleton<Sessions.SocketSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<Sessions.SocketSessions>());
        services.AddSingleton<GatewayDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayDrain>());
        services.Configure<HostOptions>(o => o.ShutdownTimeout = section.Get<GatewayOptions>()?.ShutdownTimeout ?? new GatewayOptions().ShutdownTimeout);
        services.AddProblemDetails();
        services.AddExceptionHandler<ClusterUnavailableHandler>();
        services.AddPresenceApi(builder.Configuration); // validation, refusals, write deadlines (Api/ApiServices.cs)
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        services.AddHealthChecks()
            .AddCheck<GatewayReadinessCheck>("gateway", tags: [HealthTags.Ready])
            .AddCheck<GatewayStartupCheck>("started", tags: [HealthTags.Startup]);
        services.AddGatewayObservability();
        services.AddPresenceAdminPolicy(builder.Configuration);
        services.AddPresenceApiDocs(); // OpenAPI document and /docs (Hosting/ApiDocs.cs)
        return builder;
    }

    public static WebApplication UsePresenceGateway(this WebApplication app)
    {
        app.UseForwardedHeaders(); // first: the real client address matters to the handshake limiter
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ClusterAvailabilityGate>();
        app.UseWebSockets(); // before authentication and the handshake limiter: they ask whether a request is an upgrade
        app.UseRouting();
        app.Use(LogScopes.FromRouteAsync); // after routing: the route's ids are known
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapPresenceSockets();
        app.MapDirectoryApi();
        app.MapImportApi();
        app.MapPresenceApi();
        app.MapSessionApi();
        app.MapQueueApi();
        app.MapDisplayApi();        // wall displays' credentials and tokens, socket tickets (Api/DisplayEndpoints.cs)
        app.ObserveGateway();
        app.MapPresenceDashboard(); // admins only, when Dashboard:Enabled (Hosting/PresenceDashboard.cs)
        app.MapWallboard();         // the supervisor wallboard and the JS client, static (Hosting/WallboardEndpoints.cs)
        app.MapPresenceApiDocs();   // /openapi/v1.json and /docs, anonymous, unless Gateway:ApiDocs is false
        return app;
    }
}
