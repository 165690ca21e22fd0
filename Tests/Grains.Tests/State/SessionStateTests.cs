using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>Leases, grace, precedence, idle and debounce as pure transitions (docs/presence-sessions.md).</summary>
public class SessionStateTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly SessionPolicy Policy = new(true, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));

    private static UserPresenceState Created() => UserPresenceState.Empty.WithProfile(new UserProfile("Alice", "1001", Capabilities.Default), T0);

    private static UserPresenceState Open(UserPresenceState s, string id, PresenceStatus status, DateTimeOffset at, SessionPolicy? policy = null)
    {
        var (outcome, next) = s.WithSessionOpened(new SessionOpen(id, "desktop", status), policy ?? Policy, at);
        Assert.Equal(SessionOutcome.Done, outcome);
        return next;
    }

    private static UserPresenceState Report(UserPresenceState s, string id, PresenceStatus? status, DateTimeOffset at, bool activity = false)
    {
        var (outcome, next) = s.WithSessionReport(id, new SessionReport(status, activity), at);
        Assert.Equal(SessionOutcome.Done, outcome);
        return next;
    }

    [Fact]
    public void Open_FirstSession_PublishesItsStatusAtOnce()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0);

        // Offline → available is debounced like any session change, so the first evaluation only schedules it.
        Assert.Equal(PresenceStatus.Offline, s.Status);
        var due = s.NextDeadline(T0);
        Assert.Equal(T0 + Policy.Debounce, due);

        var settled = s.Evaluate(due!.Value);
        Assert.Equal(PresenceStatus.Available, settled.Status);
        Assert.Equal(PresenceSource.Session, settled.Source);
        Assert.Equal(s.Seq + 1, settled.Seq);
    }

    [Fact]
    public void Open_WhenDisabled_IsRefused()
    {
        var (outcome, next) = Created().WithSessionOpened(new SessionOpen("s1", "desktop", PresenceStatus.Available), SessionPolicy.Disabled, T0);

        Assert.Equal(SessionOutcome.Disabled, outcome);
        Assert.Null(next.Book);
    }

    [Fact]
    public void Lease_NotRenewed_StaleDuringGraceThenOffline()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);
        Assert.Equal(PresenceStatus.Available, s.Status);

        var justBefore = s.Evaluate(T0 + Policy.Lease - TimeSpan.FromMilliseconds(1));
        Assert.False(justBefore.Stale);

        var inGrace = s.Evaluate(T0 + Policy.Lease);
        Assert.True(inGrace.Stale);
        Assert.Equal(PresenceStatus.Available, inGrace.Status);
        Assert.Equal(T0, inGrace.LastConfirmedAt);
        Assert.Equal(T0 + Policy.Lease + Policy.Grace, inGrace.NextDeadline(T0 + Policy.Lease));

        var lateButNotPast = inGrace.Evaluate(T0 + Policy.Lease + Policy.Grace - TimeSpan.FromMilliseconds(1));
        Assert.Equal(PresenceStatus.Available, lateButNotPast.Status);

        var gone = inGrace.Evaluate(T0 + Policy.Lease + Policy.Grace);
        Assert.Equal(PresenceStatus.Offline, gone.Status);
        Assert.Equal(PresenceSource.Expired, gone.Source);
        Assert.False(gone.Stale);
        Assert.Null(gone.Book);
    }

    [Fact]
    public void Lease_EvaluatedLongAfterExpiry_GoesOfflineInOneStep()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);

        // A silo died and the reminder brought the grain back much later: grace counts from the lease's end.
        var late = s.Evaluate(T0 + TimeSpan.FromMinutes(10));

        Assert.Equal(PresenceStatus.Offline, late.Status);
        Assert.Equal(s.Seq + 1, late.Seq);
    }

    [Fact]
    public void Heartbeat_RenewsLease()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);
        var renewed = Report(s, "s1", null, T0 + TimeSpan.FromSeconds(50));

        Assert.False(renewed.Evaluate(T0 + TimeSpan.FromSeconds(100)).Stale);
        Assert.True(renewed.Evaluate(T0 + TimeSpan.FromSeconds(110)).Stale);
    }

    [Fact]
    public void Heartbeat_AfterExpiry_IsUnknownSession()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0);

        var (outcome, _) = s.WithSessionReport("s1", new SessionReport(null, false), T0 + Policy.Lease);

        Assert.Equal(SessionOutcome.UnknownSession, outcome);
    }

    [Fact]
    public void ReopenDuringGrace_ClearsStaleWithoutStatusFlicker()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);
        var stale = s.Evaluate(T0 + Policy.Lease);
        var back = Open(stale, "s2", PresenceStatus.Available, T0 + Policy.Lease + TimeSpan.FromSeconds(5));

        Assert.False(back.Stale);
        Assert.Null(back.LastConfirmedAt);
        Assert.Equal(PresenceStatus.Available, back.Status);
        Assert.Null(back.Book!.GraceEndsAt);
    }

    [Fact]
    public void ManualWrite_DuringGrace_AppliesAndStaysStale()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);
        var stale = s.Evaluate(T0 + Policy.Lease);

        var written = stale.WithPresence(new PresenceChange(PresenceStatus.Offline, null), T0 + Policy.Lease + TimeSpan.FromSeconds(1));

        Assert.Equal(PresenceStatus.Offline, written.Status);
        Assert.Equal(PresenceSource.Manual, written.Source);
        Assert.True(written.Stale);
        Assert.Equal(stale.Seq + 1, written.Seq);
    }

    [Fact]
    public void Logout_OfLastSession_OfflineAtOnce()
    {
        var s = Open(Created(), "s1", PresenceStatus.Busy, T0).Evaluate(T0 + Policy.Debounce);

        var (outcome, next) = s.WithSessionClosed("s1", SessionEnd.Logout, T0 + TimeSpan.FromSeconds(10));

        Assert.Equal(SessionOutcome.Done, outcome);
        Assert.Equal(PresenceStatus.Offline, next.Status);
        Assert.Equal(PresenceSource.Logout, next.Source);
        Assert.Equal(PresenceStatus.Busy, next.PreviousStatus);
    }

    [Fact]
    public void Disconnect_OfLastSession_StartsGrace()
    {
        var s = Open(Created(), "s1", PresenceStatus.Busy, T0).Evaluate(T0 + Policy.Debounce);
        var at = T0 + TimeSpan.FromSeconds(10);

        var (_, next) = s.WithSessionClosed("s1", SessionEnd.Disconnected, at);

        Assert.True(next.Stale);
        Assert.Equal(PresenceStatus.Busy, next.Status);
        Assert.Equal(at + Policy.Grace, next.Book!.GraceEndsAt);
    }

    [Theory]
    [InlineData(PresenceStatus.Available, PresenceStatus.Dnd, PresenceStatus.Dnd)]
    [InlineData(PresenceStatus.Busy, PresenceStatus.Dnd, PresenceStatus.Dnd)]
    [InlineData(PresenceStatus.Available, PresenceStatus.Busy, PresenceStatus.Busy)]
    [InlineData(PresenceStatus.Away, PresenceStatus.Available, PresenceStatus.Available)]
    [InlineData(PresenceStatus.Offline, PresenceStatus.Away, PresenceStatus.Away)]
    [InlineData(PresenceStatus.OnCall, PresenceStatus.Dnd, PresenceStatus.OnCall)]
    public void TwoSessions_HighestPrecedenceWins(PresenceStatus first, PresenceStatus second, PresenceStatus expected)
    {
        var s = Open(Created(), "desk", first, T0);
        s = Open(s, "phone", second, T0 + TimeSpan.FromSeconds(1));

        var settled = s.Evaluate(T0 + TimeSpan.FromSeconds(10));

        Assert.Equal(expected, settled.Status);
        Assert.Equal(PresenceSource.Session, settled.Source);
    }

    [Fact]
    public void Idle_TurnsAvailableAway_AndActivityBringsItBack()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);
        var idleAt = T0 + Policy.Idle;
        // Heartbeats without activity keep the session alive but let it go idle.
        s = Heartbeats(s, T0 + TimeSpan.FromSeconds(40), idleAt - TimeSpan.FromSeconds(1));
        Assert.Equal(idleAt, s.NextDeadline(idleAt - TimeSpan.FromSeconds(1)));
        Assert.Equal(PresenceStatus.Available, s.Evaluate(idleAt - TimeSpan.FromMilliseconds(1)).Status);

        var turning = s.Evaluate(idleAt);
        Assert.Equal(PresenceStatus.Available, turning.Status); // debounced
        var idle = turning.Evaluate(idleAt + Policy.Debounce);
        Assert.Equal(PresenceStatus.Away, idle.Status);
        Assert.Equal(PresenceSource.Idle, idle.Source);

        var backAt = idleAt + TimeSpan.FromSeconds(20);
        var active = Report(idle, "s1", null, backAt, activity: true).Evaluate(backAt + Policy.Debounce);
        Assert.Equal(PresenceStatus.Available, active.Status);
        Assert.Equal(PresenceSource.Session, active.Source);
    }

    [Fact]
    public void Idle_DoesNotTouchDnd()
    {
        var s = Open(Created(), "s1", PresenceStatus.Dnd, T0).Evaluate(T0 + Policy.Debounce);
        var end = T0 + Policy.Idle + TimeSpan.FromMinutes(1);

        s = Heartbeats(s, T0 + TimeSpan.FromSeconds(40), end).Evaluate(end);

        Assert.Equal(PresenceStatus.Dnd, s.Status);
    }

    [Fact]
    public void ManualStatus_OverridesIdle()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);
        var manual = s.WithPresence(new PresenceChange(PresenceStatus.Available, "at my desk"), T0 + TimeSpan.FromSeconds(3));
        var end = T0 + Policy.Idle + TimeSpan.FromMinutes(1);

        var later = Heartbeats(manual, T0 + TimeSpan.FromSeconds(40), end).Evaluate(end);

        Assert.True(later.Book!.Sessions[0].IsIdle(end, Policy));
        Assert.Equal(PresenceStatus.Available, later.Status);
        Assert.Equal(PresenceSource.Manual, later.Source);
    }

    private static UserPresenceState Heartbeats(UserPresenceState s, DateTimeOffset from, DateTimeOffset until)
    {
        for (var t = from; t <= until; t += TimeSpan.FromSeconds(40))
        {
            s = Report(s, "s1", null, t).Evaluate(t + TimeSpan.FromSeconds(3));
        }
        return s;
    }

    [Fact]
    public void ManualStatus_WithHigherPrecedence_WinsAtOnce()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);

        var manual = s.WithPresence(new PresenceChange(PresenceStatus.Dnd, null), T0 + TimeSpan.FromSeconds(3));

        Assert.Equal(PresenceStatus.Dnd, manual.Status);
        Assert.Equal(PresenceSource.Manual, manual.Source);
        Assert.Equal(s.Seq + 1, manual.Seq);
    }

    [Fact]
    public void Debounce_ChangeThatReversesWithinWindow_IsNeverPublished()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);
        var seq = s.Seq;

        var busy = Report(s, "s1", PresenceStatus.Busy, T0 + TimeSpan.FromSeconds(10));
        Assert.Equal(PresenceStatus.Available, busy.Status);
        var back = Report(busy, "s1", PresenceStatus.Available, T0 + TimeSpan.FromSeconds(11));
        var settled = back.Evaluate(T0 + TimeSpan.FromSeconds(20));

        Assert.Equal(PresenceStatus.Available, settled.Status);
        Assert.Equal(seq, settled.Seq);
        Assert.Null(settled.Book!.Pending);
    }

    [Fact]
    public void Debounce_ChangeThatHolds_IsPublishedAfterTheWindow()
    {
        var s = Open(Created(), "s1", PresenceStatus.Available, T0).Evaluate(T0 + Policy.Debounce);

        var busy = Report(s, "s1", PresenceStatus.Busy, T0 + TimeSpan.FromSeconds(10));
        Assert.Equal(T0 + TimeSpan.FromSeconds(12), busy.NextDeadline(T0 + TimeSpan.FromSeconds(10)));
        var settled = busy.Evaluate(T0 + TimeSpan.FromSeconds(12));

        Assert.Equal(PresenceStatus.Busy, settled.Status);
        Assert.Equal(PresenceStatus.Available, settled.PreviousStatus);
        Assert.Equal(s.Seq + 1, settled.Seq);
    }

    [Fact]
    public void CallEnd_WithSessions_ResumesWhatSessionsSay()
    {
        var s = Open(Created(), "s1", PresenceStatus.Busy, T0).Evaluate(T0 + Policy.Debounce);
        var call = s.WithCallStarted(new ActiveCall("c1", CallDirection.Inbound, null, T0 + TimeSpan.FromSeconds(5)), T0 + TimeSpan.FromSeconds(5)).State;
        Assert.Equal(PresenceStatus.OnCall, call.Status);
        call = Report(call, "s1", PresenceStatus.Available, T0 + TimeSpan.FromSeconds(20));
        Assert.Equal(PresenceStatus.OnCall, call.Status);

        var ended = call.WithCallEnded("c1", T0 + TimeSpan.FromSeconds(30)).State;

        Assert.Equal(PresenceStatus.Available, ended.Status);
        Assert.Equal(PresenceStatus.OnCall, ended.PreviousStatus);
        Assert.Equal(call.Seq + 1, ended.Seq);
    }

    [Fact]
    public void ManyOpens_BeyondTheLimit_AreRefused()
    {
        var s = Created();
        for (var i = 0; i < SessionBook.MaxSessions; i++) s = Open(s, $"s{i}", PresenceStatus.Available, T0);

        var (outcome, _) = s.WithSessionOpened(new SessionOpen("one-more", "tab", PresenceStatus.Available), Policy, T0);

        Assert.Equal(SessionOutcome.TooMany, outcome);
    }

    [Fact]
    public void WithoutSessions_PresenceWritesWorkAsBefore()
    {
        var s = Created().WithPresence(new PresenceChange(PresenceStatus.Busy, null), T0);

        Assert.Equal(PresenceStatus.Busy, s.Status);
        Assert.Equal(PresenceSource.Manual, s.Source);
        Assert.Null(s.NextDeadline(T0));
        Assert.Same(s, s.Evaluate(T0 + TimeSpan.FromDays(1)));
    }
}
