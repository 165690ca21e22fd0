using System.Diagnostics;

namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>
/// A user write's outcome is never ambiguous: its idempotency key is stored with the change (a retry is answered, not
/// applied again), and once stored nothing fails it; a group that missed the push is repaired, not left for later.
/// </summary>
public class UserWriteTests(ClusterFixture fixture) : PresenceClusterTest(fixture)
{
    private static PresenceChange Busy(string? message = null) => new(PresenceStatus.Busy, message);

    [Fact]
    public async Task SetPresence_SameKeyTwice_AppliesOnce_AndTheRetryIsMarkedReplayed()
    {
        var (u, key) = (User("u1"), new WriteKey("k-1", "fp-busy"));
        await u.UpsertProfileAsync(Profile("U")).WaitAsync(Bound);

        var first = await u.SetPresenceAsync(Busy("first"), key).WaitAsync(Bound);
        var retry = await u.SetPresenceAsync(Busy("first"), key).WaitAsync(Bound);

        Assert.Equal((CallOutcome.Done, KeyVerdict.Fresh, 2L), (first.Outcome, first.Key, first.User!.Seq));
        Assert.Equal((CallOutcome.Done, KeyVerdict.Replayed, 2L), (retry.Outcome, retry.Key, retry.User!.Seq));
    }

    [Fact]
    public async Task SetPresence_KeyReusedForAnotherRequest_IsRefused_AndChangesNothing()
    {
        var u = User("u1");
        await u.UpsertProfileAsync(Profile("U")).WaitAsync(Bound);
        await u.SetPresenceAsync(Busy(), new WriteKey("k-1", "fp-busy")).WaitAsync(Bound);

        var reused = await u.SetPresenceAsync(new PresenceChange(PresenceStatus.Away, null), new WriteKey("k-1", "fp-away")).WaitAsync(Bound);

        Assert.Equal(KeyVerdict.Reused, reused.Key);
        Assert.Equal((PresenceStatus.Busy, 2L), (reused.User!.Status, reused.User.Seq));
    }

    [Fact]
    public async Task KeyedWrite_SurvivesReactivation_BecauseItIsStoredWithTheChange()
    {
        var u = User("u1");
        await u.UpsertProfileAsync(Profile("U")).WaitAsync(Bound);
        var key = new WriteKey("k-1", "fp-call");
        await u.StartCallAsync(new ActiveCall("c1", CallDirection.Inbound, null, DateTimeOffset.UtcNow), key).WaitAsync(Bound);
        await u.EndCallAsync("c1").WaitAsync(Bound);

        await Fixture.Cluster.DeactivateAsync(u).WaitAsync(Bound);
        // Without the key this start would put the user on the ended call again.
        var retry = await u.StartCallAsync(new ActiveCall("c1", CallDirection.Inbound, null, DateTimeOffset.UtcNow), key).WaitAsync(Bound);

        Assert.Equal((CallOutcome.Done, KeyVerdict.Replayed), (retry.Outcome, retry.Key));
        Assert.Null(retry.User!.ActiveCall);
        Assert.Equal(3, retry.User.Seq);
    }

    [Fact]
    public async Task Refusal_IsRecordedUnderItsKey_SoTheRetryAnswersTheSame()
    {
        var u = User("u1");
        await u.UpsertProfileAsync(Profile("U")).WaitAsync(Bound);
        await u.StartCallAsync(new ActiveCall("c1", CallDirection.Inbound, null, DateTimeOffset.UtcNow)).WaitAsync(Bound);
        var key = new WriteKey("k-2", "fp-c2");

        var refused = await u.StartCallAsync(new ActiveCall("c2", CallDirection.Inbound, null, DateTimeOffset.UtcNow), key).WaitAsync(Bound);
        await u.EndCallAsync("c1").WaitAsync(Bound);
        var retry = await u.StartCallAsync(new ActiveCall("c2", CallDirection.Inbound, null, DateTimeOffset.UtcNow), key).WaitAsync(Bound);

        Assert.Equal(CallOutcome.Conflict, refused.Outcome);
        Assert.Equal((CallOutcome.Conflict, KeyVerdict.Replayed), (retry.Outcome, retry.Key));
        Assert.Null(retry.User!.ActiveCall); // c2 was never started
    }

    [Fact]
    public async Task Write_CancelledBeforeItIsStored_IsNotApplied()
    {
        var u = User("u1");
        await u.UpsertProfileAsync(Profile("U")).WaitAsync(Bound);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            u.SetPresenceAsync(Busy(), new WriteKey("k-1", "fp"), new CancellationToken(canceled: true)).WaitAsync(Bound));
        var applied = await u.SetPresenceAsync(Busy(), new WriteKey("k-1", "fp")).WaitAsync(Bound);

        Assert.Equal(KeyVerdict.Fresh, applied.Key); // the first attempt left no trace, so the retry applies it
        Assert.Equal(2, applied.User!.Seq);
    }

    [Fact]
    public async Task GroupThatFailsThePush_WriteStillSucceeds_AndTheGroupIsRepairedAfterwards()
    {
        var ids = await CreateUsersAsync(2);
        await PutGroupAsync("g1", ids);
        await PutGroupAsync("g2", ids[0]);

        using (GroupPushFaults.Inject(PresenceIds.Key(OrgId, "g1"), GroupPushFaults.Fault.Fail))
        {
            var written = await User(ids[0]).SetPresenceAsync(Busy()).WaitAsync(Bound);
            Assert.Equal(CallOutcome.Done, written.Outcome);
            // The healthy group got it before the answer; the failing one did not.
            Assert.Equal(PresenceStatus.Busy, (await Group("g2").GetSnapshotAsync().WaitAsync(Bound))!.Members.Single().Status);
            Assert.Equal(PresenceStatus.Offline, MemberStatus(await Group("g1").GetSnapshotAsync().WaitAsync(Bound), ids[0]));
        }
        // No further change of the user: the repair timer pushes the view again once the group takes it.
        await Poll.UntilAsync(async () => MemberStatus(await Group("g1").GetSnapshotAsync(), ids[0]) == PresenceStatus.Busy,
            Poll.Timeout, "the group that missed the push to hold the user's view");
    }

    [Fact]
    public async Task GroupThatHangs_HoldsTheWriteNoLongerThanThePushTimeout()
    {
        var ids = await CreateUsersAsync(1);
        await PutGroupAsync("g1", ids);
        await User(ids[0]).SetPresenceAsync(Busy()).WaitAsync(Bound); // warm: activations are not what is measured

        TimeSpan took;
        using (GroupPushFaults.Inject(PresenceIds.Key(OrgId, "g1"), GroupPushFaults.Fault.Hang))
        {
            var started = Stopwatch.GetTimestamp();
            var written = await User(ids[0]).SetPresenceAsync(new PresenceChange(PresenceStatus.Dnd, null)).WaitAsync(Bound);
            took = Stopwatch.GetElapsedTime(started);
            Assert.Equal(CallOutcome.Done, written.Outcome);
        }
        Assert.InRange(took, Grains.UserGrain.GroupPushTimeout * 0.9, Grains.UserGrain.GroupPushTimeout + TimeSpan.FromSeconds(1));
        // The held push lands when the group wakes up; either way the group ends with the view.
        await Poll.UntilAsync(async () => MemberStatus(await Group("g1").GetSnapshotAsync(), ids[0]) == PresenceStatus.Dnd,
            Poll.Timeout, "the group to hold the view after the hang");
    }

    [Fact]
    public async Task ReplayedWrite_PushesTheViewAgain()
    {
        var ids = await CreateUsersAsync(1);
        await PutGroupAsync("g1", ids);
        var key = new WriteKey("k-1", "fp-busy");

        using (GroupPushFaults.Inject(PresenceIds.Key(OrgId, "g1"), GroupPushFaults.Fault.Fail))
        {
            await User(ids[0]).SetPresenceAsync(Busy(), key).WaitAsync(Bound);
        }
        // The retry (a writer that never got its answer) returns only after the group holds the view again.
        var retry = await User(ids[0]).SetPresenceAsync(Busy(), key).WaitAsync(Bound);

        Assert.Equal(KeyVerdict.Replayed, retry.Key);
        Assert.Equal(PresenceStatus.Busy, MemberStatus(await Group("g1").GetSnapshotAsync().WaitAsync(Bound), ids[0]));
    }

    private static PresenceStatus? MemberStatus(GroupSnapshot? group, string userId) =>
        group?.Members.SingleOrDefault(m => m.UserId == userId)?.Status;
}
