using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class GroupPushesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Delivered_EveryExpectedGroup_LeavesNothingToRepair()
    {
        var pushes = GroupPushes.None.Expect(["g1", "g2"]).Delivered(["g1", "g2"]);

        Assert.Same(GroupPushes.None, pushes);
        Assert.Null(pushes.RetryAt);
    }

    [Fact]
    public void Failed_RetriesWithADoublingBackoff_CappedAtAMinute()
    {
        var pushes = GroupPushes.None.Expect(["g1", "g2"]).Delivered(["g1"]);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 9; i++)
        {
            pushes = pushes.Failed(T0);
            delays.Add(pushes.RetryAt!.Value - T0);
        }

        Assert.Equal(["g2"], pushes.Pending);
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays.Select(d => (int)d.TotalSeconds));
    }

    [Fact]
    public void Delivered_AfterFailures_ResetsTheBackoff()
    {
        var pushes = GroupPushes.None.Expect(["g1"]).Failed(T0).Failed(T0).Delivered(["g1"]);

        Assert.Equal(0, pushes.Failures);
        Assert.Equal(TimeSpan.FromSeconds(1), pushes.Expect(["g1"]).Failed(T0).RetryAt - T0);
    }

    [Fact]
    public void Restored_RecentChange_IsDueAtOnce_OldOneIsForgotten()
    {
        var recent = GroupPushes.Restored(["g1"], changedAt: T0, now: T0.AddMinutes(1));
        var old = GroupPushes.Restored(["g1"], changedAt: T0, now: T0 + GroupPushes.RepairHorizon + TimeSpan.FromSeconds(1));

        Assert.Equal(["g1"], recent.Pending);
        Assert.Equal(T0.AddMinutes(1), recent.RetryAt);
        Assert.Same(GroupPushes.None, old);
        Assert.Same(GroupPushes.None, GroupPushes.Restored(null, T0, T0));
    }

    [Fact]
    public void Within_GroupsTheUserLeft_AreNoLongerPushed()
    {
        var pushes = GroupPushes.None.Expect(["g1", "g2"]).Failed(T0);

        Assert.Equal(["g2"], pushes.Within([.. new[] { "g2", "g3" }.Order()]).Pending);
        Assert.Same(GroupPushes.None, pushes.Within([]));
    }
}
