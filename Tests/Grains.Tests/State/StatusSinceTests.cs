using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>A user's statusSince: set when the status changes, kept by everything else; and what the member view carries.</summary>
public class StatusSinceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly SessionPolicy Policy = new(true, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.Zero);

    private static UserPresenceState Created() => UserPresenceState.Empty.WithProfile(new UserProfile("Alice", "1001", Capabilities.Default), T0);

    private static UserPresenceState Set(UserPresenceState s, PresenceStatus status, DateTimeOffset at, string? message = null) =>
        s.WithPresence(new PresenceChange(status, message), at);

    [Fact]
    public void NewUser_SinceCreation()
    {
        Assert.Equal(T0, Created().StatusSince);
    }

    [Fact]
    public void StatusChange_Stamps_MessageOrProfileChange_Keeps()
    {
        var s = Set(Created(), PresenceStatus.Away, T0.AddMinutes(1), "lunch");
        var reworded = Set(s, PresenceStatus.Away, T0.AddMinutes(2), "lunch, back at 1");
        var renamed = reworded.WithProfile(new UserProfile("Alice B", "1001", Capabilities.Default), T0.AddMinutes(3));

        Assert.Equal(T0.AddMinutes(1), s.StatusSince);
        Assert.Equal(T0.AddMinutes(1), reworded.StatusSince);
        Assert.Equal(T0.AddMinutes(1), renamed.StatusSince);
    }

    [Fact]
    public void Call_StampsOnCall_AndTheResumedStatus()
    {
        var s = Set(Created(), PresenceStatus.Available, T0);
        var onCall = s.WithCallStarted(new ActiveCall("c1", CallDirection.Inbound, "+44", T0.AddMinutes(1)), T0.AddMinutes(1)).State;
        var after = onCall.WithCallEnded("c1", T0.AddMinutes(4)).State;

        Assert.Equal(T0.AddMinutes(1), onCall.StatusSince);
        Assert.Equal(PresenceStatus.Available, after.Status);
        Assert.Equal(T0.AddMinutes(4), after.StatusSince);
    }

    [Fact]
    public void Session_OpenStamps_HeartbeatWithTheSameStatusKeeps_InSessionWhileHeld()
    {
        var (_, open) = Created().WithSessionOpened(new SessionOpen("s1", "desktop", PresenceStatus.Available), Policy, T0.AddMinutes(1));
        var (_, beat) = open.WithSessionReport("s1", new SessionReport(PresenceStatus.Available, true), T0.AddMinutes(2));
        var (_, closed) = beat.WithSessionClosed("s1", SessionEnd.Logout, T0.AddMinutes(3));

        Assert.Equal((PresenceStatus.Available, T0.AddMinutes(1), true), (open.Status, open.StatusSince, open.InSession));
        Assert.Equal(T0.AddMinutes(1), beat.StatusSince);
        Assert.Equal((PresenceStatus.Offline, T0.AddMinutes(3), false), (closed.Status, closed.StatusSince, closed.InSession));
    }

    [Theory]
    [InlineData(PresenceStatus.Away, "lunch")]
    [InlineData(PresenceStatus.Dnd, "training")]
    [InlineData(PresenceStatus.Busy, "wrap-up")]
    [InlineData(PresenceStatus.Available, null)]
    [InlineData(PresenceStatus.Offline, null)]
    public void MemberView_CarriesSince_AndTheReasonOnlyWhileAwayDndOrBusy(PresenceStatus status, string? shown)
    {
        var s = Set(Created(), status, T0.AddMinutes(1), shown ?? "a note");

        var member = s.ToMember("alice");
        var fromSnapshot = s.ToSnapshot("org", "alice").ToMember();

        Assert.Equal(shown, member.StatusMessage);
        Assert.Equal(status == PresenceStatus.Offline ? T0 : T0.AddMinutes(1), member.StatusSince);
        Assert.Equal(member, fromSnapshot);
    }
}
