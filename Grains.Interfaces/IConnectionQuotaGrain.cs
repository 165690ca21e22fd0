namespace FreedomCti.Presence;

/// <summary>
/// Counts an organisation's open WebSocket connections across every gateway of the cluster (keyed by orgId),
/// as leases per gateway that expire unless renewed, so a gateway that dies does not leak its count.
/// </summary>
/// <remarks>Held in memory only: after a failover the gateways' next renewals rebuild the counts within one lease period.</remarks>
[Alias("fcti.IConnectionQuotaGrain")]
public interface IConnectionQuotaGrain : IGrainWithStringKey
{
    /// <summary>Takes one connection for <paramref name="gatewayId"/> if the organisation is under <paramref name="maxConnections"/>.</summary>
    [Alias("TryAcquire")]
    Task<bool> TryAcquireAsync(string gatewayId, int maxConnections, TimeSpan leaseTime);

    /// <summary>Gives one connection back.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string gatewayId);

    /// <summary>The gateway's authoritative count, sent periodically; it also extends the lease.</summary>
    [Alias("Renew")]
    Task RenewAsync(string gatewayId, int connections, TimeSpan leaseTime);

    /// <summary>Connections held by gateways whose lease has not expired.</summary>
    [Alias("GetCount")]
    Task<int> GetCountAsync();
}
