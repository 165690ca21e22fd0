using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FreedomCti.Presence.Silo.Hosting;

/// <summary>Ready while this silo is an Active member of the cluster and not shutting down.</summary>
public sealed class SiloReadinessCheck(IClusterMembershipService membership, ILocalSiloDetails local, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The silo is shutting down."));
        }
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The silo is {status} in the membership table."));
    }
}
