using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// Follows this gateway's connections to the silos. A dropped connection may be a dead silo, so the
/// <see cref="SiloWatcher"/> looks at the membership at once; when the whole cluster comes back after being
/// unreachable, every topic is watched again, because the events sent meanwhile were lost.
/// </summary>
public sealed class ClusterConnectionWatcher(IServiceProvider services, ILogger<ClusterConnectionWatcher> logger) : IClusterConnectionStatusObserver
{
    private volatile bool _lost;

    public bool IsConnected => !_lost;

    public void NotifyClusterConnectionLost()
    {
        _lost = true;
        // A graceful stop closes the client's connections itself: that is no loss to warn an operator about.
        if (services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.IsCancellationRequested == true) return;
        GatewayLog.ClusterConnectionLost(logger);
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        // Resolved here, not injected: the hub and the watcher depend on the cluster client this observer is built with.
        if (currentNumberOfGateways < previousNumberOfGateways) services.GetRequiredService<SiloWatcher>().CheckSoon();
        if (currentNumberOfGateways == 0 || !(connectionRecovered || _lost)) return;
        _lost = false;
        var hub = services.GetRequiredService<TopicHub>();
        GatewayLog.ClusterConnectionRestored(logger, hub.TopicCount);
        hub.RewatchAll();
    }
}
