using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>The resume ring of grains and gateway topics: whole ranges or nothing, bounded by count and age, restarted by a gap.</summary>
public class SeqRingTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static SeqRing<string> Filled(long from, long to, int capacity = 64, DateTimeOffset? at = null)
    {
        var ring = new SeqRing<string>(capacity, TimeSpan.FromMinutes(2));
        for (var seq = from; seq <= to; seq++) ring.Add(seq, $"e{seq}", at ?? T0);
        return ring;
    }

    [Fact]
    public void Since_ARangeItHolds_ReturnsExactlyThoseChangesInOrder()
    {
        var ring = Filled(1, 10);

        Assert.Equal(["e4", "e5", "e6"], ring.Since(3, 6, T0)!);
        Assert.Equal(["e1", "e2"], ring.Since(0, 2, T0)!);
        Assert.Empty(ring.Since(10, 10, T0)!);
    }

    [Fact]
    public void Since_TooOld_InTheFuture_OrBeyondTheLastChange_IsNull()
    {
        var ring = Filled(1, 100, capacity: 64); // holds 37..100

        Assert.Null(ring.Since(35, 100, T0));
        Assert.NotNull(ring.Since(36, 100, T0));
        Assert.Null(ring.Since(101, 100, T0));
        Assert.Null(ring.Since(90, 101, T0));
        Assert.Null(ring.Since(-1, 5, T0));
    }

    [Fact]
    public void TryCopy_AppendsOnlyWhenItHoldsTheWholeRange()
    {
        var ring = Filled(101, 200, capacity: 64); // holds 137..200
        var into = new List<string> { "already" };

        Assert.False(ring.TryCopy(135, 200, T0, into));
        Assert.Equal(["already"], into);
        Assert.True(ring.TryCopy(197, 200, T0, into));
        Assert.Equal(["already", "e198", "e199", "e200"], into);
    }

    [Fact]
    public void AChangeThatDoesNotFollowTheLast_OrAClear_RestartsTheRing()
    {
        var ring = Filled(1, 5);
        ring.Add(9, "e9", T0);

        Assert.Equal(1, ring.Count);
        Assert.Null(ring.Since(4, 9, T0));
        Assert.Equal(["e9"], ring.Since(8, 9, T0)!);

        ring.Clear();
        Assert.Null(ring.Since(8, 9, T0));
        Assert.Empty(ring.Since(9, 9, T0)!);
    }

    [Fact]
    public void ChangesOlderThanTheMaxAge_AreForgotten()
    {
        var ring = Filled(1, 3, at: T0);
        ring.Add(4, "e4", T0 + TimeSpan.FromMinutes(1));

        Assert.NotNull(ring.Since(0, 4, T0 + TimeSpan.FromMinutes(1)));
        Assert.Null(ring.Since(0, 4, T0 + TimeSpan.FromMinutes(3)));
        Assert.Equal(["e4"], ring.Since(3, 4, T0 + TimeSpan.FromMinutes(2.5))!);
        Assert.Empty(Filled(1, 3).Since(3, 3, T0 + TimeSpan.FromHours(1))!);

        ring.Prune(T0 + TimeSpan.FromMinutes(10));
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void ACapacityOfZero_KeepsNothing()
    {
        var off = new SeqRing<string>(0, TimeSpan.FromMinutes(2));
        off.Add(1, "e1", T0);

        Assert.Equal(0, off.Count);
        Assert.Null(off.Since(0, 1, T0));
    }
}
