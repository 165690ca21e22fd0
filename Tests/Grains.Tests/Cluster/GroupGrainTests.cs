using System.Diagnostics;
using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.Cluster;

public class GroupGrainTests(ClusterFixture fixture) : PresenceClusterTest(fixture)
{
    [Fact]
    public async Task Watch_MemberChanges_MemberChangedEventsWithConsecutiveSeqAndSummary()
    {
        var ids = await CreateUsersAsync(3);
        var defined = await PutGroupAsync("sales", ids);
        await using var probe = await ObserverProbe<GroupEvent>.WatchGroupAsync(Client, OrgId, "sales");
        Assert.Equal(defined.Seq, probe.Receipt.Seq);

        await User(ids[0]).SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null)).WaitAsync(Bound);
        await User(ids[1]).SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null)).WaitAsync(Bound);
        await User(ids[0]).StartCallAsync(new ActiveCall("c1", CallDirection.Inbound, null, DateTimeOffset.UtcNow)).WaitAsync(Bound);
        await User(ids[0]).SetPresenceAsync(new PresenceChange(PresenceStatus.Busy, "only the message and return status change")).WaitAsync(Bound);
        await User(ids[0]).EndCallAsync("c1").WaitAsync(Bound);

        // The fourth write changes nothing a group shows, so the group sends four events, not five.
        // One-way events may arrive out of order (a gateway's topic puts them back in seq order); so does this check.
        var events = (await probe.WaitForAsync(e => e.Count >= 4)).OrderBy(e => e.Seq).ToList();
        Assert.All(events, e => Assert.Equal(GroupEventKind.MemberChanged, e.Kind));
        Assert.Equal(defined.Seq + 1, events[0].Seq);
        AssertConsecutive(events.Select(e => e.Seq));
        var last = events[^1];
        Assert.Equal(PresenceStatus.OnCall, last.Member!.PreviousStatus);
        Assert.Equal(PresenceStatus.Busy, last.Member.Member.Status);
        Assert.Equal(new GroupSummary(3, 1, 1, 0, 0, 0, 1), last.Summary);
        Assert.Equal(last.Seq, await Group("sales").GetSeqAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task Directory_DefineRemoveDelete_GroupChangedThenRemovedToTheWatchers()
    {
        var ids = await CreateUsersAsync(3);
        await PutGroupAsync("support", ids[0]);
        await using var probe = await ObserverProbe<GroupEvent>.WatchGroupAsync(Client, OrgId, "support");

        await PutGroupAsync("support", ids);
        var removed = await Directory.RemoveMemberAsync("support", ids[2]).WaitAsync(Bound);
        Assert.True(await Directory.DeleteGroupAsync("support").WaitAsync(Bound));

        var events = await probe.WaitForAsync(e => e.Count >= 3);
        Assert.Equal([GroupEventKind.GroupChanged, GroupEventKind.GroupChanged, GroupEventKind.Removed], events.Select(e => e.Kind));
        AssertConsecutive(events.Select(e => e.Seq));
        Assert.Equal(3, events[0].Group!.Members.Length);
        Assert.Equal(2, events[1].Group!.Summary.TotalMembers);
        Assert.Equal(2, removed.Value!.Summary.TotalMembers);
        Assert.Null(await Group("support").GetSnapshotAsync().WaitAsync(Bound));
        Assert.Equal(0, await Group("support").GetSeqAsync().WaitAsync(Bound));
        Assert.False(await Directory.DeleteGroupAsync("support").WaitAsync(Bound));
    }

    [Fact]
    public async Task Queue_BurstOfCalls_QueueChangedCoalescedToAboutOnePerSecondWithFinalMetrics()
    {
        var defined = await PutGroupAsync("queue");
        var group = Group("queue");
        await using var probe = await ObserverProbe<GroupEvent>.WatchGroupAsync(Client, OrgId, "queue");
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < 60; i++)
        {
            await group.EnqueueCallAsync($"c{i}").WaitAsync(Bound);
        }
        for (var i = 0; i < 20; i++)
        {
            await group.DequeueCallAsync($"c{i}").WaitAsync(Bound);
        }
        var metrics = await group.EnqueueCallAsync("c0-again").WaitAsync(Bound);

        var events = After(defined.Seq, await probe.WaitForAsync(e => e.Count > 0 && e[^1].Queue.CallsWaiting == 41));
        var elapsed = clock.Elapsed;
        Assert.Equal(41, metrics!.CallsWaiting);
        Assert.All(events, e => Assert.Equal(GroupEventKind.QueueChanged, e.Kind));
        AssertConsecutive(events.Select(e => e.Seq));
        // 81 queue changes; one event immediately, then at most one per started second.
        Assert.InRange(events.Count, 1, (int)Math.Ceiling(elapsed.TotalSeconds) + 1);
        Assert.NotNull(events[^1].Queue.OldestWaitingSince);
    }

    [Fact]
    public async Task Queue_UnknownGroupOrCall_Null()
    {
        await PutGroupAsync("q2");

        Assert.Null(await Group("nope").EnqueueCallAsync("c1").WaitAsync(Bound));
        Assert.Null(await Group("q2").DequeueCallAsync("never-queued").WaitAsync(Bound));
    }

    [Fact]
    public async Task Activation_UsersUpdatingWhileGroupActivates_NoDeadlockAndLatestStateHeld()
    {
        var ids = await CreateUsersAsync(40);
        await PutGroupAsync("wall", ids);
        var group = Group("wall");
        var seqBefore = await group.GetSeqAsync().WaitAsync(Bound);
        await Fixture.Cluster.DeactivateAsync(group).WaitAsync(Bound);

        // Each write makes the user await the group; the group's activation reads those same users.
        // Without an interleaving GetSnapshot this waits for the 30 s response timeout, well past Bound.
        var writes = ids.Select(id => User(id).SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null)));
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(10));

        var snapshot = await group.GetSnapshotAsync().WaitAsync(Bound);
        Assert.Equal(new GroupSummary(40, 40, 0, 0, 0, 0, 0), snapshot!.Summary);
        Assert.True(GroupSeq.EpochOf(snapshot.Seq) > GroupSeq.EpochOf(seqBefore), "a reactivated group starts a new epoch");
    }

    [Fact]
    public async Task Activation_AfterUserDeletedBehindItsBack_DropsTheMissingMember()
    {
        var ids = await CreateUsersAsync(3);
        await PutGroupAsync("stale", ids);
        await Fixture.Cluster.DeactivateAsync(Group("stale")).WaitAsync(Bound);
        // Deleting through the user only (not the directory) leaves the group holding a member that no longer exists.
        await User(ids[1]).DeleteAsync().WaitAsync(Bound);

        var snapshot = await Group("stale").GetSnapshotAsync().WaitAsync(Bound);

        Assert.Equal([ids[0], ids[2]], snapshot!.Members.Select(m => m.UserId));
        Assert.Equal(2, snapshot.Summary.TotalMembers);
    }

    private static List<GroupEvent> After(long seq, IReadOnlyList<GroupEvent> events) => [.. events.Where(e => e.Seq > seq)];
}
