using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>Renews every topic's watch on a timer (Gateway:AuditInterval), which also catches events that went missing.</summary>
public sealed class TopicRenewer(TopicHub hub, IOptions<GatewayOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AuditInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await hub.RenewAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
