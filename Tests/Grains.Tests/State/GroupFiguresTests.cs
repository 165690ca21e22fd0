using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>loggedIn and longestIdle in a group's summary: kept incrementally, always equal to a count from scratch.</summary>
public class GroupFiguresTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private static GroupMember Member(string id, PresenceStatus status, int sinceMinutes = 0, bool inSession = false, long seq = 1) =>
        new(id, "Name " + id, null, status, null, seq, StatusSince: T0.AddMinutes(sinceMinutes), InSession: inSession);

    private static GroupState Defined(params GroupMember[] members) =>
        GroupState.Empty.WithEpoch(1).WithDefinition("Sales", members, T0);

    private static void AssertCountedFromScratch(GroupState s) =>
        Assert.Equal(GroupSummaries.Compute(s.Members.Values), s.Summary);

    [Fact]
    public void LoggedIn_CountsASessionOrAnyStatusButOffline()
    {
        var s = Defined(
            Member("a", PresenceStatus.Available),
            Member("b", PresenceStatus.Offline, inSession: true),   // session held, status offline (say grace just ended)
            Member("c", PresenceStatus.Offline),
            Member("d", PresenceStatus.Away));

        Assert.Equal(3, s.Summary.LoggedIn);
        Assert.Equal(1, s.Summary.Available);
    }

    [Fact]
    public void LongestIdle_IsTheAvailableMemberAvailableLongest_TiesByUserId()
    {
        var s = Defined(
            Member("b", PresenceStatus.Available, sinceMinutes: 5),
            Member("a", PresenceStatus.Available, sinceMinutes: 5),
            Member("c", PresenceStatus.Available, sinceMinutes: 9),
            Member("z", PresenceStatus.Busy, sinceMinutes: -60));   // longer in status, but not available

        Assert.Equal(new LongestIdle("a", T0.AddMinutes(5)), s.Summary.LongestIdle);
    }

    [Fact]
    public void NobodyAvailable_LongestIdleNull()
    {
        Assert.Null(Defined(Member("a", PresenceStatus.Away)).Summary.LongestIdle);
        Assert.Null(Defined().Summary.LongestIdle);
    }

    [Fact]
    public void MemberChanges_KeepLoggedInAndLongestIdle_AsACountFromScratch()
    {
        var s = Defined(Member("a", PresenceStatus.Available, 1), Member("b", PresenceStatus.Available, 2), Member("c", PresenceStatus.Offline));

        s = s.WithMemberUpdated(Member("a", PresenceStatus.OnCall, 10, seq: 2), T0).State;       // the longest idle takes a call
        Assert.Equal(new LongestIdle("b", T0.AddMinutes(2)), s.Summary.LongestIdle);
        AssertCountedFromScratch(s);

        s = s.WithMemberUpdated(Member("c", PresenceStatus.Offline, inSession: true, seq: 2), T0).State; // opens a session, still offline
        Assert.Equal(3, s.Summary.LoggedIn);
        AssertCountedFromScratch(s);

        s = s.WithMemberUpdated(Member("a", PresenceStatus.Available, 12, seq: 3), T0).State;    // back: idle from now, not from before
        Assert.Equal(new LongestIdle("b", T0.AddMinutes(2)), s.Summary.LongestIdle);
        AssertCountedFromScratch(s);

        s = s.WithMemberRemoved("b", T0);
        Assert.Equal(new LongestIdle("a", T0.AddMinutes(12)), s.Summary.LongestIdle);
        AssertCountedFromScratch(s);

        s = s.WithMembersAdded([Member("d", PresenceStatus.Available, -3, inSession: true)], T0);
        Assert.Equal(new LongestIdle("d", T0.AddMinutes(-3)), s.Summary.LongestIdle);
        Assert.Equal(3, s.Summary.LoggedIn);
        AssertCountedFromScratch(s);
    }

    [Fact]
    public void ReasonOrSinceChange_IsAVisibleChange()
    {
        var s = Defined(Member("a", PresenceStatus.Away, 1));

        var (next, change) = s.WithMemberUpdated(Member("a", PresenceStatus.Away, 1, seq: 2) with { StatusMessage = "lunch" }, T0);

        Assert.NotNull(change);
        Assert.Equal("lunch", next.Members["a"].StatusMessage);
        Assert.Equal(s.Seq + 1, next.Seq);
    }

    [Fact]
    public void Summary_StatusCountsStillAddUp_WithTheNewFields()
    {
        var statuses = Enum.GetValues<PresenceStatus>();
        var s = Defined([.. Enumerable.Range(0, 60).Select(i => Member($"u{i:00}", statuses[i % statuses.Length], i, inSession: i % 4 == 0))]);
        var sum = s.Summary;

        Assert.Equal(sum.TotalMembers, sum.Available + sum.Busy + sum.OnCall + sum.Away + sum.Dnd + sum.Offline);
        Assert.InRange(sum.LoggedIn, sum.TotalMembers - sum.Offline, sum.TotalMembers);
        AssertCountedFromScratch(s);
    }

    [Fact]
    public void Restored_MembersWithoutSince_AreNotIdleCandidates()
    {
        var s = GroupState.Restored("Sales", [KeyValuePair.Create("a", new GroupMember("a", "A", null, PresenceStatus.Available, null, 1))],
            QueueState.Empty, T0);

        Assert.Null(s.Summary.LongestIdle);
        Assert.Equal(1, s.Summary.LoggedIn);
    }
}
