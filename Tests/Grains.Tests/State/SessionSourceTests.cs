using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>`source` says what decides the status, also when the status itself does not change (docs/presence-sessions.md).</summary>
public class SessionSourceTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly SessionPolicy Policy = new(true, TimeSpan.FromHours(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.Zero); // leases outlast the idle threshold

    private static UserPresenceState Open(UserPresenceState s, string id, PresenceStatus status, DateTimeOffset at)
    {
        var (outcome, next) = s.WithSessionOpened(new SessionOpen(id, "desktop", status), Policy, at);
        Assert.Equal(SessionOutcome.Done, outcome);
        return next.Evaluate(at);
    }

    private static UserPresenceState Created() => UserPresenceState.Empty.WithProfile(new UserProfile("Alice", "1001", Capabilities.Default), T0);

    [Fact]
    public void ManualWrite_ThatLosesToASession_SaysTheSessionDecides()
    {
        var s = Open(Created(), "s1", PresenceStatus.Dnd, T0);
        var tie = s.WithPresence(new PresenceChange(PresenceStatus.Dnd, null), T0.AddSeconds(1));
        Assert.Equal((PresenceStatus.Dnd, PresenceSource.Manual), (tie.Status, tie.Source)); // equal precedence: manual wins

        var lost = tie.WithPresence(new PresenceChange(PresenceStatus.Busy, null), T0.AddSeconds(2));

        Assert.Equal(PresenceStatus.Dnd, lost.Status); // dnd outranks busy: the session decides
        Assert.Equal(PresenceSource.Session, lost.Source);
        Assert.Equal(tie.Seq + 1, lost.Seq); // published once
    }

    [Fact]
    public void SourceOnlyChange_WhenIdleTakesOverFromASession_IsPublished()
    {
        var s = Open(Created(), "a", PresenceStatus.Away, T0);
        s = Open(s, "b", PresenceStatus.Available, T0);
        var idle = s.Evaluate(T0 + Policy.Idle + TimeSpan.FromSeconds(1)); // b idle: away(idle) ties with a's away(session)
        Assert.Equal((PresenceStatus.Away, PresenceSource.Session), (idle.Status, idle.Source));

        var (_, closed) = idle.WithSessionClosed("a", SessionEnd.Logout, T0 + Policy.Idle + TimeSpan.FromSeconds(2));

        Assert.Equal((PresenceStatus.Away, PresenceSource.Idle), (closed.Status, closed.Source));
        Assert.Equal(idle.Seq + 1, closed.Seq);
    }
}
