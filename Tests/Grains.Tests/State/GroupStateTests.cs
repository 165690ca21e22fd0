using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class GroupStateTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private static GroupMember Member(string id, PresenceStatus status, long userSeq = 1) =>
        new(id, "Name " + id, null, status, null, userSeq);

    private static GroupState Defined(params GroupMember[] members) =>
        GroupState.Empty.WithEpoch(1).WithDefinition("Sales", members, T0);

    [Fact]
    public void WithDefinition_NewGroup_ExistsWithCountedSummaryAndSeqPlusOne()
    {
        var s = Defined(Member("a", PresenceStatus.Available), Member("b", PresenceStatus.OnCall), Member("c", PresenceStatus.Available));

        Assert.True(s.Exists);
        Assert.Equal("Sales", s.GroupName);
        Assert.Equal(GroupSeq.Start(1) + 1, s.Seq);
        Assert.Equal(new GroupSummary(3, 2, 0, 1, 0, 0, 0), s.Summary.StatusCounts());
    }

    [Fact]
    public void WithDefinition_MemberAlreadyHeldWithNewerView_KeepsNewerView()
    {
        var s = Defined(Member("a", PresenceStatus.Available, userSeq: 1));
        s = s.WithMemberUpdated(Member("a", PresenceStatus.Busy, userSeq: 5), T0).State;

        var redefined = s.WithDefinition("Renamed", [Member("a", PresenceStatus.Available, userSeq: 3), Member("b", PresenceStatus.Away)], T0);

        Assert.Equal(PresenceStatus.Busy, redefined.Members["a"].Status);
        Assert.Equal(new GroupSummary(2, 0, 1, 0, 1, 0, 0), redefined.Summary.StatusCounts());
        Assert.Equal(s.Seq + 1, redefined.Seq);
    }

    [Fact]
    public void WithMemberUpdated_StatusChange_ReportsPreviousStatusAndMovesCounts()
    {
        var s = Defined(Member("a", PresenceStatus.Available), Member("b", PresenceStatus.Available));

        var (next, change) = s.WithMemberUpdated(Member("a", PresenceStatus.OnCall, userSeq: 2), T0.AddSeconds(1));

        Assert.NotNull(change);
        Assert.Equal(PresenceStatus.Available, change.PreviousStatus);
        Assert.Equal(PresenceStatus.OnCall, change.Member.Status);
        Assert.Equal(new GroupSummary(2, 1, 0, 1, 0, 0, 0), next.Summary.StatusCounts());
        Assert.Equal(s.Seq + 1, next.Seq);
    }

    [Fact]
    public void WithMemberUpdated_StaleOrEqualUserSeq_Ignored()
    {
        var s = Defined(Member("a", PresenceStatus.Available, userSeq: 5));

        var stale = s.WithMemberUpdated(Member("a", PresenceStatus.Busy, userSeq: 4), T0);
        var equal = s.WithMemberUpdated(Member("a", PresenceStatus.Busy, userSeq: 5), T0);

        Assert.Same(s, stale.State);
        Assert.Null(stale.Change);
        Assert.Same(s, equal.State);
        Assert.Null(equal.Change);
    }

    [Fact]
    public void WithMemberUpdated_NonMember_Ignored()
    {
        var s = Defined(Member("a", PresenceStatus.Available));

        var (next, change) = s.WithMemberUpdated(Member("zz", PresenceStatus.Busy, userSeq: 9), T0);

        Assert.Same(s, next);
        Assert.Null(change);
    }

    [Fact]
    public void WithMemberUpdated_OnlyUserSeqDiffers_AbsorbedWithoutEventButFencesOlderViews()
    {
        var s = Defined(Member("a", PresenceStatus.Available, userSeq: 1));

        var (next, change) = s.WithMemberUpdated(Member("a", PresenceStatus.Available, userSeq: 2), T0);
        var older = next.WithMemberUpdated(Member("a", PresenceStatus.Busy, userSeq: 1), T0);

        Assert.Null(change);
        Assert.Equal(s.Seq, next.Seq);
        Assert.Equal(2, next.Members["a"].UserSeq);
        Assert.Null(older.Change);
    }

    [Fact]
    public void WithMemberUpdated_RandomSequence_IncrementalSummaryEqualsRecountAndSeqCountsEvents()
    {
        var random = new Random(20250115);
        var ids = Enumerable.Range(0, 200).Select(i => $"u{i}").ToArray();
        var statuses = Enum.GetValues<PresenceStatus>();
        var userSeqs = ids.ToDictionary(id => id, _ => 1L);
        var s = Defined([.. ids.Select(id => Member(id, statuses[random.Next(statuses.Length)]))]);
        var expectedSeq = s.Seq;

        for (var i = 0; i < 5_000; i++)
        {
            var id = ids[random.Next(ids.Length)];
            // Mostly newer views, some stale ones (reordered deliveries) and some from non-members.
            var roll = random.Next(10);
            var seq = roll == 0 ? userSeqs[id] - random.Next(2) : ++userSeqs[id];
            var target = roll == 1 ? "stranger" : id;
            var (next, change) = s.WithMemberUpdated(Member(target, statuses[random.Next(statuses.Length)], seq), T0.AddSeconds(i));
            if (change is not null)
            {
                expectedSeq++;
            }
            s = next;
            Assert.Equal(expectedSeq, s.Seq);
        }

        Assert.Equal(GroupSummaries.Compute(s.Members.Values), s.Summary);
        Assert.Equal(ids.Length, s.Summary.TotalMembers);
    }

    [Fact]
    public void WithMemberRemoved_Member_DecrementsCountsAndBumpsSeq()
    {
        var s = Defined(Member("a", PresenceStatus.Available), Member("b", PresenceStatus.Dnd));

        var next = s.WithMemberRemoved("b", T0);

        Assert.Equal(new GroupSummary(1, 1, 0, 0, 0, 0, 0), next.Summary.StatusCounts());
        Assert.Equal(s.Seq + 1, next.Seq);
        Assert.Same(next, next.WithMemberRemoved("b", T0));
    }

    [Fact]
    public void WithDeleted_Group_TombstoneKeepsSeq()
    {
        var s = Defined(Member("a", PresenceStatus.Available)).WithCallEnqueued("c1", T0, Hour);

        var deleted = s.WithDeleted(T0);

        Assert.False(deleted.Exists);
        Assert.Empty(deleted.Members);
        Assert.Empty(deleted.Queue.Waiting);
        Assert.Equal(s.Seq + 1, deleted.Seq);
    }

    [Fact]
    public void WithMembersRefreshed_GoneAndNewerViews_DropsAndReplaces()
    {
        var s = Defined(Member("a", PresenceStatus.Available), Member("b", PresenceStatus.Available), Member("c", PresenceStatus.Away, userSeq: 7));

        var next = s.WithMembersRefreshed(
            [
                KeyValuePair.Create<string, GroupMember?>("a", null),
                KeyValuePair.Create<string, GroupMember?>("b", Member("b", PresenceStatus.OnCall, userSeq: 2)),
                KeyValuePair.Create<string, GroupMember?>("c", Member("c", PresenceStatus.Offline, userSeq: 6)),
            ],
            T0);

        Assert.Equal(["b", "c"], next.Members.Keys);
        Assert.Equal(new GroupSummary(2, 0, 0, 1, 1, 0, 0), next.Summary.StatusCounts());
        Assert.Equal(s.Seq + 1, next.Seq);
    }

    [Fact]
    public void WithMembersRefreshed_NothingNewer_ReturnsSameInstance()
    {
        var s = Defined(Member("a", PresenceStatus.Available, userSeq: 3));

        Assert.Same(s, s.WithMembersRefreshed([KeyValuePair.Create<string, GroupMember?>("a", Member("a", PresenceStatus.Busy, userSeq: 3))], T0));
    }

    [Fact]
    public void QueueTransitions_DoNotBumpSeq_QueuePublishedDoes()
    {
        var s = Defined();

        var queued = s.WithCallEnqueued("c1", T0, Hour);
        var left = queued.WithCallLeft("c1", QueueExit.Answered, T0.AddSeconds(30))!.Value;
        var published = left.State.WithQueuePublished(T0.AddSeconds(30));

        Assert.Equal(s.Seq, left.State.Seq);
        Assert.Same(queued, queued.WithCallEnqueued("c1", T0, Hour));
        Assert.Null(s.WithCallLeft("c1", QueueExit.Answered, T0));
        Assert.Equal(s.Seq + 1, published.Seq);
    }

    [Fact]
    public void WithCallLeft_Again_SameStateAndTheOriginalDeparture()
    {
        var left = Defined().WithCallEnqueued("c1", T0, Hour).WithCallLeft("c1", QueueExit.Abandoned, T0.AddSeconds(12))!.Value;

        var again = left.State.WithCallLeft("c1", QueueExit.Answered, T0.AddSeconds(40))!.Value;

        Assert.True(again.Repeated);
        Assert.Same(left.State, again.State);
        Assert.Equal(new QueueDeparture("c1", QueueExit.Abandoned, T0.AddSeconds(12), 12), again.Departure);
    }

    [Fact]
    public void WithExpiredCalls_NothingOverdue_SameInstance_ElseTheCallsLeave()
    {
        var s = Defined().WithCallEnqueued("c1", T0, TimeSpan.FromMinutes(5));

        Assert.Same(s, s.WithExpiredCalls(T0.AddMinutes(4)));
        var expired = s.WithExpiredCalls(T0.AddMinutes(5));
        Assert.Empty(expired.Queue.Waiting);
        Assert.Equal(QueueExit.Expired, Assert.Single(expired.Queue.Departures).Reason);
        Assert.Equal(s.Seq, expired.Seq);
    }

    [Fact]
    public void WithMembersAdded_NewAndHeld_AddsOnlyTheNewWithOneSeq()
    {
        var s = Defined(Member("a", PresenceStatus.Available));

        var next = s.WithMembersAdded([Member("a", PresenceStatus.Busy, userSeq: 9), Member("b", PresenceStatus.Dnd)], T0);

        Assert.Equal(["a", "b"], next.Members.Keys);
        Assert.Equal(PresenceStatus.Available, next.Members["a"].Status);
        Assert.Equal(new GroupSummary(2, 1, 0, 0, 0, 1, 0), next.Summary.StatusCounts());
        Assert.Equal(s.Seq + 1, next.Seq);
        Assert.Same(next, next.WithMembersAdded([Member("b", PresenceStatus.Dnd)], T0));
    }

    [Fact]
    public void ToSnapshot_Members_OrderedByUserIdOrdinal()
    {
        var s = Defined(Member("b", PresenceStatus.Available), Member("B", PresenceStatus.Available), Member("a", PresenceStatus.Available));

        var snapshot = s.ToSnapshot("o", "g", T0);

        Assert.Equal(["B", "a", "b"], snapshot.Members.Select(m => m.UserId));
        Assert.Equal(s.Seq, snapshot.Seq);
        Assert.Equal((0, 0), (snapshot.Queue.CallsWaiting, snapshot.Queue.AverageWaitSeconds));
    }

    [Fact]
    public void SkippedSeqs_ViewThatJumpsOverSeqs_CountsTheMissingOnes()
    {
        var s = Defined(Member("a", PresenceStatus.Available, userSeq: 3));

        Assert.Equal(0, s.SkippedSeqs(Member("a", PresenceStatus.Busy, userSeq: 4)));
        Assert.Equal(2, s.SkippedSeqs(Member("a", PresenceStatus.Busy, userSeq: 6)));
        Assert.Equal(0, s.SkippedSeqs(Member("a", PresenceStatus.Busy, userSeq: 2))); // older: ignored, not missing
        Assert.Equal(0, s.SkippedSeqs(Member("zz", PresenceStatus.Busy, userSeq: 9))); // not a member
    }
}
