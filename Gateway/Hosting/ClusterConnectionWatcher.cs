using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// Re-subscribes every topic when the client's connection to the cluster comes back: Orleans silently drops
/// a client's stream subscriptions after a failed delivery, and resuming the old handles does not restore them.
/// </summary>
public sealed class ClusterConnectionWatcher(IServiceProvider services, ILogger<ClusterConnectionWatcher> logger) : IClusterConnectionStatusObserver
{
    private volatile bool _lost;

    public bool IsConnected => !_lost;

    public void NotifyClusterConnectionLost()
    {
        _lost = true;
        GatewayLog.ClusterConnectionLost(logger);
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways == 0 || !(connectionRecovered || _lost)) return;
        _lost = false;
        // Resolved here, not injected: the hub depends on the cluster client this observer is built with.
        var hub = services.GetRequiredService<TopicHub>();
        GatewayLog.ClusterConnectionRestored(logger, hub.TopicCount);
        _ = hub.ResubscribeAllAsync();
    }
}
