using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class UserPresenceStateTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly UserProfile Alice = new("Alice", "1001", Capabilities.Default);

    private static UserPresenceState Created() => UserPresenceState.Empty.WithProfile(Alice, T0);

    private static ActiveCall Call(string id, DateTimeOffset at) => new(id, CallDirection.Inbound, "+4420", at);

    [Fact]
    public void WithProfile_NewUser_ExistsOfflineAtSeqOne()
    {
        var s = Created();

        Assert.True(s.Exists);
        Assert.Equal(PresenceStatus.Offline, s.Status);
        Assert.Equal(1, s.Seq);
        Assert.Equal(Alice, s.Profile);
    }

    [Fact]
    public void WithProfile_SameProfile_ReturnsSameInstance()
    {
        var s = Created();

        Assert.Same(s, s.WithProfile(Alice with { }, T0.AddSeconds(1)));
    }

    [Fact]
    public void WithProfile_ChangedProfile_KeepsPresenceAndBumpsSeq()
    {
        var s = Created().WithPresence(new PresenceChange(PresenceStatus.Busy, "x"), T0);

        var next = s.WithProfile(Alice with { Extension = "2002" }, T0.AddSeconds(1));

        Assert.Equal(s.Seq + 1, next.Seq);
        Assert.Equal(PresenceStatus.Busy, next.Status);
        Assert.Equal("2002", next.Profile!.Extension);
    }

    [Fact]
    public void WithPresence_NoCall_SetsStatusPreviousMessageAndActivity()
    {
        var now = T0.AddMinutes(1);

        var s = Created().WithPresence(new PresenceChange(PresenceStatus.Available, "Ready"), now);

        Assert.Equal(PresenceStatus.Available, s.Status);
        Assert.Equal(PresenceStatus.Offline, s.PreviousStatus);
        Assert.Equal("Ready", s.StatusMessage);
        Assert.Equal(now, s.LastActivity);
        Assert.Equal(2, s.Seq);
    }

    [Fact]
    public void WithPresence_SameStatus_KeepsPreviousStatus()
    {
        var s = Created()
            .WithPresence(new PresenceChange(PresenceStatus.Available, null), T0)
            .WithPresence(new PresenceChange(PresenceStatus.Available, "still here"), T0.AddSeconds(1));

        Assert.Equal(PresenceStatus.Offline, s.PreviousStatus);
        Assert.Equal(3, s.Seq);
    }

    [Fact]
    public void WithPresence_DuringCall_StaysOnCallAndResumesChoiceAfterwards()
    {
        var onCall = Created()
            .WithPresence(new PresenceChange(PresenceStatus.Available, null), T0)
            .WithCallStarted(Call("c1", T0), T0).State;

        var chosen = onCall.WithPresence(new PresenceChange(PresenceStatus.Away, "lunch"), T0.AddSeconds(5));
        var ended = chosen.WithCallEnded("c1", T0.AddSeconds(10));

        Assert.Equal(PresenceStatus.OnCall, chosen.Status);
        Assert.Equal("lunch", chosen.StatusMessage);
        Assert.Equal(onCall.Seq + 1, chosen.Seq);
        Assert.Equal(CallOutcome.Done, ended.Outcome);
        Assert.Equal(PresenceStatus.Away, ended.State.Status);
        Assert.Equal(PresenceStatus.OnCall, ended.State.PreviousStatus);
        Assert.Null(ended.State.ActiveCall);
    }

    [Fact]
    public void WithCallStarted_FromBusy_GoesOnCallAndReturnsToBusy()
    {
        var busy = Created().WithPresence(new PresenceChange(PresenceStatus.Busy, null), T0);

        var started = busy.WithCallStarted(Call("c1", T0.AddSeconds(1)), T0.AddSeconds(1));
        var ended = started.State.WithCallEnded("c1", T0.AddSeconds(2));

        Assert.Equal(CallOutcome.Done, started.Outcome);
        Assert.Equal(PresenceStatus.OnCall, started.State.Status);
        Assert.Equal(PresenceStatus.Busy, started.State.PreviousStatus);
        Assert.Equal(busy.Seq + 1, started.State.Seq);
        Assert.Equal(PresenceStatus.Busy, ended.State.Status);
        Assert.Equal(busy.Seq + 2, ended.State.Seq);
    }

    [Fact]
    public void WithCallStarted_ManuallyOnCall_ReturnsToAvailable()
    {
        var manual = Created().WithPresence(new PresenceChange(PresenceStatus.OnCall, null), T0);

        var ended = manual.WithCallStarted(Call("c1", T0), T0).State.WithCallEnded("c1", T0.AddSeconds(1));

        Assert.Equal(PresenceStatus.Available, ended.State.Status);
    }

    [Fact]
    public void WithCallStarted_AnotherCallActive_ConflictAndUnchanged()
    {
        var onCall = Created().WithCallStarted(Call("c1", T0), T0).State;

        var second = onCall.WithCallStarted(Call("c2", T0), T0.AddSeconds(1));

        Assert.Equal(CallOutcome.Conflict, second.Outcome);
        Assert.Same(onCall, second.State);
    }

    [Fact]
    public void WithCallStarted_SameCallAgain_DoneWithoutChange()
    {
        var onCall = Created().WithCallStarted(Call("c1", T0), T0).State;

        var again = onCall.WithCallStarted(Call("c1", T0), T0.AddSeconds(1));

        Assert.Equal(CallOutcome.Done, again.Outcome);
        Assert.Same(onCall, again.State);
    }

    [Fact]
    public void WithCallEnded_NoActiveCall_UnknownCall()
    {
        var s = Created();

        Assert.Equal(CallOutcome.UnknownCall, s.WithCallEnded("c1", T0).Outcome);
    }

    [Fact]
    public void WithCallEnded_OtherCall_Conflict()
    {
        var onCall = Created().WithCallStarted(Call("c1", T0), T0).State;

        var result = onCall.WithCallEnded("c2", T0);

        Assert.Equal(CallOutcome.Conflict, result.Outcome);
        Assert.Same(onCall, result.State);
    }

    [Fact]
    public void CallTransitions_UnknownUser_UnknownUser()
    {
        Assert.Equal(CallOutcome.UnknownUser, UserPresenceState.Empty.WithCallStarted(Call("c1", T0), T0).Outcome);
        Assert.Equal(CallOutcome.UnknownUser, UserPresenceState.Empty.WithCallEnded("c1", T0).Outcome);
    }

    [Fact]
    public void GroupMembership_JoinAndLeave_DoesNotBumpSeq()
    {
        var s = Created();

        var joined = s.WithGroupJoined("g1");
        var left = joined.WithGroupLeft("g1");

        Assert.Contains("g1", joined.Groups);
        Assert.Equal(s.Seq, joined.Seq);
        Assert.Empty(left.Groups);
        Assert.Same(joined, joined.WithGroupJoined("g1"));
        Assert.Same(left, left.WithGroupLeft("g1"));
    }

    [Fact]
    public void WithDeleted_ThenRecreated_SeqKeepsGrowingAndGroupsAreForgotten()
    {
        var s = Created().WithGroupJoined("g1").WithPresence(new PresenceChange(PresenceStatus.Available, null), T0);

        var deleted = s.WithDeleted(T0.AddSeconds(1));
        var recreated = deleted.WithProfile(Alice, T0.AddSeconds(2));

        Assert.False(deleted.Exists);
        Assert.Equal(s.Seq + 1, deleted.Seq);
        Assert.Equal(s.Seq + 2, recreated.Seq);
        Assert.Empty(recreated.Groups);
        Assert.Equal(PresenceStatus.Offline, recreated.Status);
    }

    [Fact]
    public void ToMember_OnCall_CarriesCallStartAndSeq()
    {
        var started = T0.AddSeconds(3);
        var s = Created().WithCallStarted(Call("c1", started), started).State;

        var m = s.ToMember("u1");
        var snap = s.ToSnapshot("o1", "u1");

        Assert.Equal(new GroupMember("u1", "Alice", "1001", PresenceStatus.OnCall, started, s.Seq, StatusSince: started), m);
        Assert.Equal(s.Seq, snap.Seq);
        Assert.Equal(m, snap.ToMember());
    }
}
