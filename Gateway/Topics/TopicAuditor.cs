using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>Runs the hub's anti-entropy pass on a timer, so a topic whose stream went silent recovers on its own.</summary>
public sealed class TopicAuditor(TopicHub hub, IOptions<GatewayOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AuditInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await hub.AuditAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
