using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class GroupSeqTests
{
    [Fact]
    public void Start_NextEpoch_AboveAnythingThePreviousEpochCanReach()
    {
        var lastOfEpoch1 = GroupSeq.Start(1) + uint.MaxValue;

        Assert.True(GroupSeq.Start(2) > lastOfEpoch1);
        Assert.Equal(2, GroupSeq.EpochOf(GroupSeq.Start(2) + 12345));
    }

    [Fact]
    public void GroupState_AcrossSimulatedReactivations_SeqNeverGoesBackwards()
    {
        var now = DateTimeOffset.UnixEpoch;
        var seen = new List<long>();
        long storedEpoch = 0;
        for (var activation = 0; activation < 5; activation++)
        {
            // What the grain does on activation: bump the stored epoch, start counting above it.
            storedEpoch++;
            var s = GroupState.Empty.WithEpoch(storedEpoch).WithDefinition("g", [], now);
            seen.Add(s.Seq);
            for (var i = 0; i < activation * 3; i++)
            {
                s = s.WithQueuePublished(now);
                seen.Add(s.Seq);
            }
        }

        Assert.Equal(seen.OrderBy(x => x), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public void Start_NegativeEpoch_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GroupSeq.Start(-1));
    }
}
