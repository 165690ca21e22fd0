using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Grains;

/// <summary>Cluster-wide connection count of one organisation, as expiring leases per gateway; see <see cref="IConnectionQuotaGrain"/>.</summary>
public sealed class ConnectionQuotaGrain(TimeProvider time) : Grain, IConnectionQuotaGrain
{
    private ConnectionLeases _leases = ConnectionLeases.Empty;

    public Task<bool> TryAcquireAsync(string gatewayId, int maxConnections, TimeSpan leaseTime)
    {
        var next = _leases.TryAcquire(gatewayId, maxConnections, time.GetUtcNow(), leaseTime);
        if (next is null) return Task.FromResult(false);
        _leases = next;
        return Task.FromResult(true);
    }

    public Task ReleaseAsync(string gatewayId)
    {
        _leases = _leases.Release(gatewayId);
        return Task.CompletedTask;
    }

    public Task RenewAsync(string gatewayId, int connections, TimeSpan leaseTime)
    {
        _leases = _leases.Renew(gatewayId, connections, time.GetUtcNow(), leaseTime);
        return Task.CompletedTask;
    }

    public Task<int> GetCountAsync() => Task.FromResult(_leases.CountAt(time.GetUtcNow()));
}
