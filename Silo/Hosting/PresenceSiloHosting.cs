using FreedomCti.Presence.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FreedomCti.Presence.Silo.Hosting;

/// <summary>Wires a standalone grain host: the grid's providers from configuration, graceful shutdown, health and metrics.</summary>
public static class PresenceSiloHosting
{
    public static WebApplicationBuilder AddPresenceSilo(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(PresenceClusterOptions.Section).Get<PresenceClusterOptions>() ?? new();
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new();

        builder.UseOrleans(orleans =>
        {
            orleans.UsePresenceCluster(cluster).AddActivityPropagation();
            // The dashboard's data comes from the silos; it is served (to admins only) by the gateways.
            if (builder.Configuration.GetValue("Dashboard:Enabled", false)) orleans.AddDashboard();
        });

        // Orleans leaves the cluster (deactivates grains, marks itself dead in the table) inside this window.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);
        builder.Services.AddHealthChecks()
            .AddCheck<SiloReadinessCheck>("silo", tags: [SiloReadinessCheck.ReadyTag]);
        builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMeter("Microsoft.Orleans").AddPrometheusExporter())
            .WithTracing(t =>
            {
                t.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application");
                if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) t.AddOtlpExporter();
            });
        return builder;
    }

    public static WebApplication MapPresenceSiloEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/startup", new() { Predicate = c => c.Tags.Contains(SiloReadinessCheck.ReadyTag) });
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(SiloReadinessCheck.ReadyTag) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}

/// <summary>Silo-process settings, bound from the "Silo" configuration section.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>Graceful-shutdown budget; the pod's terminationGracePeriodSeconds must be longer.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
