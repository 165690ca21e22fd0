using System.Diagnostics.Metrics;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Topics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>OpenTelemetry metrics (Prometheus scrape at /metrics) and trace sources for the gateway and its Orleans client or silo.</summary>
public static class GatewayObservability
{
    public static IServiceCollection AddGatewayObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpenTelemetry()
            .WithMetrics(m => m
                .AddMeter(GatewayMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter())
            // Orleans' activity propagation (AddActivityPropagation) carries the REST request's trace into grain calls, the
            // events carry it on to the gateway's fan-out span. Spans are shipped when an OTLP endpoint is configured.
            .WithTracing(t =>
            {
                t.AddSource("Microsoft.AspNetCore", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", GatewayTracing.SourceName);
                if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) t.AddOtlpExporter();
            });
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
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static Measurement<long> Subscriptions(TopicHub hub, TopicKind kind, string tag) =>
        new(hub.Topics.Where(t => t.Key.Kind == kind).Sum(t => (long)t.SubscriberCount), new KeyValuePair<string, object?>("topic.kind", tag));
}
