using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FreedomCti.Presence.ServiceDefaults;

/// <summary>
/// The defaults every host of the grid shares, set once here (the pattern of dotnet/eShop's ServiceDefaults):
/// OpenTelemetry metrics, traces and logs, health checks, and the management port that serves health and metrics.
/// A host adds only its own meters and trace sources (<c>ConfigureOpenTelemetryMeterProvider</c>) and health checks
/// (tagged <see cref="HealthTags"/>).
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Meters every host exports: ASP.NET Core, Kestrel, the .NET runtime, Orleans (silo or client) and the presence grains (silos, and gateways co-hosting one).</summary>
    private static readonly string[] Meters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime", "Microsoft.Orleans", "FreedomCti.Presence.Grains"];

    /// <summary>
    /// Trace sources every host records. ASP.NET Core starts a request's span (honouring an incoming traceparent);
    /// Orleans' activity propagation carries it into grain calls.
    /// </summary>
    private static readonly string[] TraceSources = ["Microsoft.AspNetCore", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <param name="separateManagementPort">
    /// True for a host with public endpoints (the gateway): Management:Urls is then required, so health and metrics
    /// are never served on the public addresses.
    /// </param>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, bool separateManagementPort = false)
    {
        ManagementPort.Configure(builder, required: separateManagementPort);
        builder.AddTelemetry();
        builder.Services.AddHealthChecks();
        builder.Services.AddHostedService<ContentRootReport>();
        return builder;
    }

    /// <summary>
    /// Metrics for Prometheus at /metrics; traces always recorded; metrics, traces and logs (with their scopes: orgId,
    /// userId, groupId, connectionId) also sent over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard
    /// OTEL_* variables apply, e.g. OTEL_SERVICE_NAME).
    /// </summary>
    private static void AddTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter())
            .WithTracing(tracing => tracing.AddSource(TraceSources));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry
                .WithLogging(configureBuilder: null, configureOptions: logs =>
                {
                    logs.IncludeScopes = true;
                    logs.IncludeFormattedMessage = true;
                })
                .UseOtlpExporter();
        }
    }

    /// <summary>
    /// /health/live (the process answers; runs no check), /health/ready and /health/startup (the checks tagged
    /// <see cref="HealthTags.Ready"/> and <see cref="HealthTags.Startup"/>), and /metrics; on the management port when one is set.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks($"{ManagementPort.HealthPath}/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks($"{ManagementPort.HealthPath}/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready) });
        app.MapHealthChecks($"{ManagementPort.HealthPath}/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Startup) });
        app.MapPrometheusScrapingEndpoint(ManagementPort.MetricsPath);
        return app;
    }
}
