using FreedomCti.Presence.Persistence;

namespace FreedomCti.Presence.Tests.Persistence;

public class ChunkPlanTests
{
    private static List<(string Key, ulong Fingerprint)> Items(int count, string prefix = "u") =>
        [.. Enumerable.Range(0, count).Select(i => ($"{prefix}{i}", ChunkHash.Of($"{prefix}{i}")))];

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(400, 1)]
    [InlineData(401, 2)]
    [InlineData(1_000, 4)]
    [InlineData(20_000, 64)]
    public void CountFor_Items_SmallestPowerOfTwoAtFourHundredEach(int items, int chunks)
    {
        Assert.Equal(chunks, ChunkLayout.CountFor(items));
    }

    [Fact]
    public void ChunkHash_IsStable_AcrossProcessesAndVersions()
    {
        // Stored layouts depend on these values: a change here would scatter every stored group's members.
        Assert.Equal(0x63b9b7f52c45b2b1UL, ChunkHash.Of("u1"));
    }

    [Fact]
    public void ChunkOf_TwentyThousandMembers_SpreadEvenly()
    {
        var layout = new ChunkLayout(7, ChunkLayout.CountFor(20_000));
        var sizes = Items(20_000).GroupBy(i => layout.ChunkOf(i.Key)).Select(g => g.Count()).ToList();

        Assert.Equal(64, sizes.Count);
        Assert.InRange(sizes.Max(), 0, (int)(ChunkLayout.ItemsPerChunk * 1.3));
    }

    [Fact]
    public void For_FirstItems_NewLayoutWithEveryChunk()
    {
        var plan = ChunkPlan.For(ChunkLayout.Empty, [], Items(1_000), 5, ChunkWriteMode.InPlace);

        Assert.True(plan.Relayout);
        Assert.Equal(new ChunkLayout(5, 4), plan.Layout);
        Assert.Equal([0, 1, 2, 3], plan.Rewrite.ToArray());
    }

    [Fact]
    public void For_NoItemsAndNothingStored_WritesNothing()
    {
        Assert.True(ChunkPlan.For(ChunkLayout.Empty, [], Items(0), 5, ChunkWriteMode.Atomic).WritesNothing);
    }

    [Theory]
    [InlineData(ChunkWriteMode.InPlace)]
    [InlineData(ChunkWriteMode.Atomic)]
    public void For_SameItems_WritesNothing(ChunkWriteMode mode)
    {
        var stored = new ChunkLayout(5, 4);
        var items = Items(1_000);

        var plan = ChunkPlan.For(stored, ChunkPlan.Fingerprint(stored, items), items, 9, mode);

        Assert.True(plan.WritesNothing);
        Assert.Equal(stored, plan.Layout);
    }

    [Theory]
    [InlineData(ChunkWriteMode.InPlace)]
    [InlineData(ChunkWriteMode.Atomic)]
    public void For_OneItemAdded_RewritesOnlyItsChunk(ChunkWriteMode mode)
    {
        var stored = new ChunkLayout(5, 64);
        var items = Items(20_000);
        var added = items.Append(("new-user", ChunkHash.Of("new-user"))).ToList();

        var plan = ChunkPlan.For(stored, ChunkPlan.Fingerprint(stored, items), added, 9, mode);

        Assert.False(plan.Relayout);
        Assert.Equal([stored.ChunkOf("new-user")], plan.Rewrite.ToArray());
    }

    [Fact]
    public void For_ItemsInSeveralChunksChanged_InPlaceRewritesThose_AtomicWritesANewLayout()
    {
        var stored = new ChunkLayout(5, 4);
        var items = Items(1_000);
        var changed = items.Skip(10).ToList(); // ten removed, spread over the chunks
        var fingerprints = ChunkPlan.Fingerprint(stored, items);

        var inPlace = ChunkPlan.For(stored, fingerprints, changed, 9, ChunkWriteMode.InPlace);
        var atomic = ChunkPlan.For(stored, fingerprints, changed, 9, ChunkWriteMode.Atomic);

        Assert.False(inPlace.Relayout);
        Assert.InRange(inPlace.Rewrite.Length, 2, 4);
        Assert.True(atomic.Relayout);
        Assert.Equal(new ChunkLayout(9, 4), atomic.Layout);
    }

    [Fact]
    public void For_InPlaceBeyondCapacity_GrowsToANewLayout_AndNeverShrinks()
    {
        var stored = new ChunkLayout(5, 1);
        var items = Items(400);
        var fingerprints = ChunkPlan.Fingerprint(stored, items);

        var grown = ChunkPlan.For(stored, fingerprints, Items(401), 9, ChunkWriteMode.InPlace);
        var shrunk = ChunkPlan.For(new ChunkLayout(5, 4), ChunkPlan.Fingerprint(new ChunkLayout(5, 4), Items(1_000)), Items(10), 9, ChunkWriteMode.InPlace);

        Assert.Equal(new ChunkLayout(9, 2), grown.Layout);
        Assert.True(grown.Relayout);
        Assert.False(shrunk.Relayout);
        Assert.Equal(4, shrunk.Layout.Count);
    }

    [Fact]
    public void For_RedefinitionToNothing_ANewEmptyLayout()
    {
        var stored = new ChunkLayout(5, 1);

        var plan = ChunkPlan.For(stored, ChunkPlan.Fingerprint(stored, Items(3)), Items(0), 9, ChunkWriteMode.Atomic);

        Assert.True(plan.Relayout);
        Assert.Equal(0, plan.Layout.Count);
        Assert.Empty(plan.Rewrite);
    }
}
