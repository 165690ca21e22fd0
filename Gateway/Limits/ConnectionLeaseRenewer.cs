using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Limits;

/// <summary>Renews this gateway's connection leases at a third of the lease time, so one missed renewal is harmless.</summary>
public sealed class ConnectionLeaseRenewer(ConnectionQuota quota, IOptions<LimitsOptions> options, TimeProvider clock,
    ILogger<ConnectionLeaseRenewer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ConnectionLeaseTime / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await quota.RenewAllAsync();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    GatewayLog.LeaseRenewalFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
