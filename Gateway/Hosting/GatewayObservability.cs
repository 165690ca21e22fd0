using System.Diagnostics.Metrics;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Topics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// The gateway's own meter and trace source, added to the telemetry every host shares (ServiceDefaults/), and its
/// scrape-time gauges.
/// </summary>
public static class GatewayObservability
{
    public static IServiceCollection AddGatewayObservability(this IServiceCollection services)
    {
        // The storage meter counts the embedded silo's grain storage (Grains/Persistence/StorageMetrics.cs).
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter(GatewayMetrics.MeterName, Persistence.StorageMetrics.MeterName));
        // Orleans' activity propagation (AddActivityPropagation) carries the REST request's trace into grain calls, the
        // events carry it on to the gateway's fan-out span.
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(GatewayTracing.SourceName));
        return services;
    }

    /// <summary>Registers the scrape-time gauges; called once the app is built.</summary>
    public static WebApplication ObserveGateway(this WebApplication app)
    {
        var hub = app.Services.GetRequiredService<TopicHub>();
        var registry = app.Services.GetRequiredService<ConnectionRegistry>();
        app.Services.GetRequiredService<GatewayMetrics>().Observe(
            () =>
            [
                Subscriptions(hub, TopicKind.User, "user"),
                Subscriptions(hub, TopicKind.Group, "group"),
            ],
            () =>
            {
                long total = 0, deepest = 0;
                foreach (var connection in registry.Open)
                {
                    var queued = connection.QueuedFrames;
                    total += queued;
                    deepest = Math.Max(deepest, queued);
                }
                return [new(total, new KeyValuePair<string, object?>("stat", "total")), new(deepest, new KeyValuePair<string, object?>("stat", "max"))];
            });
        return app;
    }

    private static Measurement<long> Subscriptions(TopicHub hub, TopicKind kind, string tag) =>
        new(hub.Topics.Where(t => t.Key.Kind == kind).Sum(t => (long)t.SubscriberCount), new KeyValuePair<string, object?>("topic.kind", tag));
}
