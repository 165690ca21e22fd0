using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public sealed class ConnectionLeasesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public void TryAcquire_UpToTheMaximumAcrossGateways_ThenRefuses()
    {
        var leases = ConnectionLeases.Empty.TryAcquire("gw-a", 3, T0, Lease)!
            .TryAcquire("gw-b", 3, T0, Lease)!
            .TryAcquire("gw-a", 3, T0, Lease)!;

        Assert.Equal(3, leases.CountAt(T0));
        Assert.Null(leases.TryAcquire("gw-b", 3, T0, Lease));
    }

    [Fact]
    public void ExpiredLease_CountsForNothing_AndFreesItsConnections()
    {
        var leases = ConnectionLeases.Empty.TryAcquire("dead", 2, T0, Lease)!.TryAcquire("dead", 2, T0, Lease)!;
        Assert.Null(leases.TryAcquire("alive", 2, T0 + Lease - TimeSpan.FromSeconds(1), Lease));

        var later = T0 + Lease + TimeSpan.FromSeconds(1);
        Assert.Equal(0, leases.CountAt(later));
        Assert.Equal(1, leases.TryAcquire("alive", 2, later, Lease)!.CountAt(later));
    }

    [Fact]
    public void Renew_SetsTheGatewaysTrueCount_AndExtendsItsLease()
    {
        var leases = ConnectionLeases.Empty.TryAcquire("gw", 10, T0, Lease)!.TryAcquire("gw", 10, T0, Lease)!;
        var renewed = leases.Renew("gw", 5, T0 + TimeSpan.FromSeconds(20), Lease);

        Assert.Equal(5, renewed.CountAt(T0 + TimeSpan.FromSeconds(45)));
        Assert.Equal(0, renewed.Renew("gw", 0, T0 + TimeSpan.FromSeconds(46), Lease).CountAt(T0 + TimeSpan.FromSeconds(46)));
    }

    [Fact]
    public void Release_NeverGoesBelowZero()
    {
        var leases = ConnectionLeases.Empty.TryAcquire("gw", 5, T0, Lease)!.Release("gw").Release("gw").Release("unknown");
        Assert.Equal(0, leases.CountAt(T0));
    }
}
