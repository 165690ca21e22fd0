using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>Ready while the gateway is started, not draining and (as a cluster client) connected to at least one silo.</summary>
public sealed class GatewayReadinessCheck(GatewayDrain drain, IHostApplicationLifetime lifetime, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested) return Unhealthy("The gateway is starting.");
        if (drain.IsDraining || lifetime.ApplicationStopping.IsCancellationRequested) return Unhealthy("The gateway is draining.");
        if (services.GetService<ClusterConnectionWatcher>() is { IsConnected: false }) return Unhealthy("No connection to the presence grid.");
        return Task.FromResult(HealthCheckResult.Healthy());
    }

    private static Task<HealthCheckResult> Unhealthy(string why) => Task.FromResult(HealthCheckResult.Unhealthy(why));
}

/// <summary>Healthy once the host has started (the Orleans client connected or the co-hosted silo joined).</summary>
public sealed class GatewayStartupCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Starting."));
}
