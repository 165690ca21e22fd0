namespace FreedomCti.Presence.Grains;

/// <summary>A gateway's liveness lease, in memory; see <see cref="IGatewayLeaseGrain"/>.</summary>
public sealed class GatewayLeaseGrain(TimeProvider time) : Grain, IGatewayLeaseGrain
{
    // A new activation starts renewed: it cannot tell a live gateway from a dead one until the next renewal is due,
    // and must not cost a live one its sessions (the user grains' stored sessions get a full lease for the same reason).
    private DateTimeOffset _renewedAt = time.GetUtcNow();

    public Task RenewAsync()
    {
        var now = time.GetUtcNow();
        if (now > _renewedAt) _renewedAt = now;
        return Task.CompletedTask;
    }

    public Task<DateTimeOffset> GetRenewedAtAsync() => Task.FromResult(_renewedAt);
}
