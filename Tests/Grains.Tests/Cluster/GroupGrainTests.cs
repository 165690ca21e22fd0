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
        var events = await probe.WaitForAsync(e => e.Count >= 4); // in seq order (ObserverProbe)
        Assert.All(events, e => Assert.Equal(GroupEventKind.MemberChanged, e.Kind));
        Assert.Equal(defined.Seq + 1, events[0].Seq);
        AssertConsecutive(events.Select(e => e.Seq));
        var last = events[^1];
        Assert.Equal(PresenceStatus.OnCall, last.Member!.PreviousStatus);
        Assert.Equal(PresenceStatus.Busy, last.Member.Member.Status);
        Assert.Equal(new GroupSummary(3, 1, 1, 0, 0, 0, 1), last.Summary.StatusCounts());
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
        Assert.Equal(new GroupSummary(40, 40, 0, 0, 0, 0, 0), snapshot!.Summary.StatusCounts());
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

    [Fact]
    public async Task Activation_LargeGroupStoredInChunks_ReloadsEveryMemberAndTheSummary()
    {
        var ids = await CreateUsersAsync(2_500);
        await PutGroupAsync("large", ids);
        await Task.WhenAll(ids.Take(700).Select(id => User(id).SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null)))).WaitAsync(Bound);
        var before = await Group("large").GetSnapshotAsync().WaitAsync(Bound);
        await Directory.RemoveMemberAsync("large", ids[10]).WaitAsync(Bound);
        await Fixture.Cluster.DeactivateAsync(Group("large")).WaitAsync(Bound);

        var after = await Group("large").GetSnapshotAsync().WaitAsync(Bound);

        Assert.Equal(before!.Members.Where(m => m.UserId != ids[10]).Select(m => m.UserId), after!.Members.Select(m => m.UserId));
        Assert.Equal(new GroupSummary(2_499, 699, 0, 0, 0, 0, 1_800), after.Summary.StatusCounts());
        Assert.True(GroupSeq.EpochOf(after.Seq) > GroupSeq.EpochOf(before.Seq));
    }

    [Fact]
    public async Task Queue_CallPastItsMaxWait_LeavesAsExpiredByItself_AndIsPublished()
    {
        var defined = await PutGroupAsync("expiry");
        await using var probe = await ObserverProbe<GroupEvent>.WatchGroupAsync(Client, OrgId, "expiry");
        var group = Group("expiry");

        await group.EnqueueCallAsync("lost", TimeSpan.FromMilliseconds(300)).WaitAsync(Bound);

        // Nothing touches the group: its own timer expires the call and publishes the queue.
        var events = After(defined.Seq, await probe.WaitForAsync(e => e.Count > 1 && e[^1].Queue.CallsWaiting == 0));
        Assert.All(events, e => Assert.Equal(GroupEventKind.QueueChanged, e.Kind));
        Assert.Equal(1, events[0].Queue.CallsWaiting);
        var lost = await group.LeaveQueueAsync("lost", QueueExit.Answered).WaitAsync(Bound);
        Assert.True(lost!.Repeated);
        Assert.Equal(QueueExit.Expired, lost.Departure.Reason);
        Assert.Equal(0, lost.Metrics.CallsWaiting);
        Assert.Equal(0, lost.Metrics.AverageWaitSeconds); // an expired call's wait is not a real one
    }

    [Fact]
    public async Task Queue_CallOverdueWhileTheGroupWasNotActive_ExpiresOnActivation()
    {
        await PutGroupAsync("overdue");
        await Group("overdue").EnqueueCallAsync("lost", TimeSpan.FromMilliseconds(200)).WaitAsync(Bound);
        await Fixture.Cluster.DeactivateAsync(Group("overdue")).WaitAsync(Bound);
        var deactivated = Stopwatch.StartNew();
        await Poll.UntilAsync(() => deactivated.ElapsedMilliseconds > 400, Poll.Timeout, "the call's max wait to pass");

        var left = await Group("overdue").LeaveQueueAsync("lost", QueueExit.Answered).WaitAsync(Bound);

        Assert.True(left!.Repeated);
        Assert.Equal(QueueExit.Expired, left.Departure.Reason);
        Assert.Equal(0, left.Metrics.CallsWaiting);
    }

    [Fact]
    public async Task Queue_RepeatedDequeue_AnswersTheOriginalDeparture_RepeatedEnqueueIsANoOp()
    {
        await PutGroupAsync("idem");
        var group = Group("idem");
        await group.EnqueueCallAsync("c1", TimeSpan.FromHours(1)).WaitAsync(Bound);
        Assert.Equal(1, (await group.EnqueueCallAsync("c1", TimeSpan.FromHours(1)).WaitAsync(Bound))!.CallsWaiting);

        var first = await group.LeaveQueueAsync("c1", QueueExit.Abandoned).WaitAsync(Bound);
        var second = await group.LeaveQueueAsync("c1", QueueExit.Answered).WaitAsync(Bound);

        Assert.False(first!.Repeated);
        Assert.True(second!.Repeated);
        Assert.Equal(first.Departure, second.Departure);
        Assert.Equal(QueueExit.Abandoned, second.Departure.Reason);
        Assert.Null(await group.LeaveQueueAsync("never", QueueExit.Answered).WaitAsync(Bound));
        Assert.NotNull(await group.DequeueCallAsync("c1").WaitAsync(Bound));
    }

    [Fact]
    public async Task Delete_WatchersAreForgotten_ARecreatedGroupDoesNotReachThem()
    {
        var ids = await CreateUsersAsync(2);
        await PutGroupAsync("gone", ids);
        await using var old = await ObserverProbe<GroupEvent>.WatchGroupAsync(Client, OrgId, "gone");

        Assert.True(await Directory.DeleteGroupAsync("gone").WaitAsync(Bound));
        await old.WaitForAsync(e => e.Any(x => x.Kind == GroupEventKind.Removed));
        await PutGroupAsync("gone", ids);
        await using var fresh = await ObserverProbe<GroupEvent>.WatchGroupAsync(Client, OrgId, "gone");
        await User(ids[0]).SetPresenceAsync(new PresenceChange(PresenceStatus.Dnd, null)).WaitAsync(Bound);
        await fresh.WaitForAsync(e => e.Any(x => x.Kind == GroupEventKind.MemberChanged));

        // The deleted group's watcher got its removal and nothing after it: the grain kept no registration.
        Assert.Equal(GroupEventKind.Removed, old.Items[^1].Kind);
        Assert.DoesNotContain(old.Items, e => e.Kind == GroupEventKind.MemberChanged);
    }

    private static List<GroupEvent> After(long seq, IReadOnlyList<GroupEvent> events) => [.. events.Where(e => e.Seq > seq)];
}
