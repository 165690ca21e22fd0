using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>One gateway's share of an organisation's connections, valid until <see cref="ExpiresAt"/>.</summary>
public sealed record ConnectionLease(int Count, DateTimeOffset ExpiresAt);

/// <summary>
/// An organisation's connection leases per gateway. Expired leases count for nothing, so a gateway that
/// stops renewing (crashed, partitioned) gives its connections back after one lease time.
/// </summary>
public sealed record ConnectionLeases(ImmutableDictionary<string, ConnectionLease> Leases)
{
    public static readonly ConnectionLeases Empty = new(ImmutableDictionary<string, ConnectionLease>.Empty.WithComparers(StringComparer.Ordinal));

    public int CountAt(DateTimeOffset now) => Leases.Values.Where(l => l.ExpiresAt > now).Sum(l => l.Count);

    /// <summary>One more connection for the gateway, or null when the organisation is at its maximum.</summary>
    public ConnectionLeases? TryAcquire(string gatewayId, int max, DateTimeOffset now, TimeSpan leaseTime)
    {
        var live = WithoutExpired(now);
        if (live.CountAt(now) >= max) return null;
        var held = live.Leases.TryGetValue(gatewayId, out var lease) ? lease.Count : 0;
        return new(live.Leases.SetItem(gatewayId, new ConnectionLease(held + 1, now + leaseTime)));
    }

    public ConnectionLeases Release(string gatewayId) =>
        Leases.TryGetValue(gatewayId, out var lease) && lease.Count > 0
            ? new(Leases.SetItem(gatewayId, lease with { Count = lease.Count - 1 }))
            : this;

    public ConnectionLeases Renew(string gatewayId, int count, DateTimeOffset now, TimeSpan leaseTime) =>
        count <= 0
            ? new(WithoutExpired(now).Leases.Remove(gatewayId))
            : new(WithoutExpired(now).Leases.SetItem(gatewayId, new ConnectionLease(count, now + leaseTime)));

    private ConnectionLeases WithoutExpired(DateTimeOffset now) =>
        Leases.Values.All(l => l.ExpiresAt > now) ? this : new(Leases.RemoveRange(Leases.Where(l => l.Value.ExpiresAt <= now).Select(l => l.Key)));
}
