using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>In-band sessions kept alive by their gateway's lease (the holder) instead of per-session renewals.</summary>
public class SessionHolderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly SessionPolicy Policy = new(true, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.Zero);
    private const string Gateway = "gw-a";

    private static UserPresenceState Created() => UserPresenceState.Empty.WithProfile(new UserProfile("Alice", "1001", Capabilities.Default), T0);

    private static UserPresenceState Open(UserPresenceState s, string? holder, DateTimeOffset at, PresenceStatus status = PresenceStatus.Busy)
    {
        var (outcome, next) = s.WithSessionOpened(new SessionOpen("s1", "desktop", status, holder), Policy, at);
        Assert.Equal(SessionOutcome.Done, outcome);
        return next;
    }

    /// <summary>What the user grain does when its deadline timer fires: ask the due holders, then evaluate.</summary>
    private static UserPresenceState Settle(UserPresenceState s, DateTimeOffset now, DateTimeOffset? gatewayRenewedAt)
    {
        var due = s.HoldersToConfirm(now);
        var answers = gatewayRenewedAt is { } renewed ? due.ToDictionary(h => h, _ => renewed) : new Dictionary<string, DateTimeOffset>();
        return s.WithHoldersConfirmed(answers, now).Evaluate(now);
    }

    [Fact]
    public void Open_RecordsTheHolder_ARestOpenHasNone_AndAReopenTakesTheOpenersKind()
    {
        var held = Open(Created(), Gateway, T0);
        Assert.Equal(Gateway, held.Book!.Find("s1")!.Holder);
        // The holder is asked with a third of the lease left, before the lease could end.
        Assert.Equal(T0 + Policy.Lease - Policy.Lease / 3, held.NextDeadline(T0));

        var rest = Open(Created(), null, T0);
        Assert.Null(rest.Book!.Find("s1")!.Holder);
        Assert.Equal(T0 + Policy.Lease, rest.NextDeadline(T0));

        Assert.Null(Open(held, null, T0 + TimeSpan.FromSeconds(5)).Book!.Find("s1")!.Holder);
        Assert.Equal("gw-b", Open(rest, "gw-b", T0 + TimeSpan.FromSeconds(5)).Book!.Find("s1")!.Holder);
    }

    [Fact]
    public void NothingIsAsked_BeforeAHeldSessionsCheckIsDue_NorForRestSessions()
    {
        var held = Open(Created(), Gateway, T0);
        Assert.Empty(held.HoldersToConfirm(T0 + TimeSpan.FromSeconds(39)));
        Assert.Equal(new[] { Gateway }, held.HoldersToConfirm(T0 + TimeSpan.FromSeconds(40)));
        Assert.Empty(Open(Created(), null, T0).HoldersToConfirm(T0 + TimeSpan.FromSeconds(59)));
        Assert.Same(held, held.WithHoldersConfirmed(new Dictionary<string, DateTimeOffset> { [Gateway] = T0 }, T0 + TimeSpan.FromSeconds(39)));
    }

    [Fact]
    public void ALiveHolder_ExtendsItsSession_ForAnHour_WithoutAHeartbeat_AndTheStatusHolds()
    {
        var state = Open(Created(), Gateway, T0);
        var checks = 0;
        // The gateway renews its lease every 20 s; the grain settles at every deadline it asks for.
        for (var now = T0; now <= T0 + TimeSpan.FromHours(1);)
        {
            var next = state.NextDeadline(now)!.Value;
            now = next + TimeSpan.FromMilliseconds(5);
            var renewed = T0 + TimeSpan.FromSeconds(20) * Math.Floor((now - T0) / TimeSpan.FromSeconds(20));
            if (state.HoldersToConfirm(now).Count > 0) checks++;
            state = Settle(state, now, renewed);
            Assert.True(state.Book!.Find("s1")!.IsLive(now), $"lost at {now - T0}");
            Assert.Equal((PresenceStatus.Busy, false), (state.Status, state.Stale));
        }
        // One check per two thirds of a lease (40 s): 90 in the hour, each answered by the silo's cache or one call.
        Assert.InRange(checks, 89, 91);
        var session = state.Book!.Find("s1")!;
        Assert.Equal(Gateway, session.Holder);
        Assert.True(session.ConfirmedAt > T0 + TimeSpan.FromMinutes(59), "a holder's renewal confirms the client");
    }

    [Fact]
    public void AHolderNotAlive_LetsTheSessionRunOutItsLease_ThenStale_ThenOfflineAfterGrace()
    {
        var state = Open(Created(), Gateway, T0);
        var check = T0 + TimeSpan.FromSeconds(40);
        // The gateway last renewed 70 s before the check: more than a lease ago, so it is gone.
        var let = Settle(state, check, check - TimeSpan.FromSeconds(70));
        var session = let.Book!.Find("s1")!;
        Assert.Null(session.Holder);
        Assert.Equal(T0 + Policy.Lease, session.ExpiresAt); // not extended, not shortened
        Assert.Equal(T0 + Policy.Lease, let.NextDeadline(check));
        Assert.False(let.Stale);

        var stale = let.Evaluate(T0 + Policy.Lease + TimeSpan.FromMilliseconds(5));
        Assert.True(stale.Stale);
        var offline = stale.Evaluate(T0 + Policy.Lease + Policy.Grace + TimeSpan.FromMilliseconds(5));
        Assert.Equal((PresenceStatus.Offline, PresenceSource.Expired), (offline.Status, offline.Source));
    }

    [Fact]
    public void AKilledGateway_ItsSessionIsReleased_WithinAGatewayLeasePlusASessionLeaseOfItsLastRenewal_AndNotBefore()
    {
        var state = Open(Created(), Gateway, T0);
        var lastRenewal = T0 + TimeSpan.FromSeconds(30); // then the gateway is killed
        DateTimeOffset? staleAt = null;
        for (var now = T0; staleAt is null && now < T0 + TimeSpan.FromMinutes(10);)
        {
            now = state.NextDeadline(now)!.Value + TimeSpan.FromMilliseconds(5);
            state = Settle(state, now, now < lastRenewal ? now : lastRenewal);
            if (state.Stale) staleAt = now;
        }
        Assert.NotNull(staleAt);
        // Check at 40 s: renewed at 30 s, alive: extended to 100 s. Check at 80 s: 30 s + 60 s > 80 s, alive: extended to
        // 140 s. Check at 120 s: not alive; the session ends with its lease at 140 s, within 30 s + 60 s + 60 s.
        Assert.InRange(staleAt!.Value, lastRenewal + Policy.Lease, lastRenewal + 2 * Policy.Lease + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void ADisconnect_EndsAHeldSession_AtOnce_WhateverItsHoldersLease()
    {
        var held = Open(Created(), Gateway, T0);
        var (outcome, closed) = held.WithSessionClosed("s1", SessionEnd.Disconnected, T0 + TimeSpan.FromSeconds(10));
        Assert.Equal(SessionOutcome.Done, outcome);
        Assert.True(closed.Stale);
        Assert.Empty(closed.HoldersToConfirm(T0 + TimeSpan.FromSeconds(50)));
        Assert.Empty(closed.SessionInfos(T0 + TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void AHeldSessionsCheck_IsNotStored_AndAnActivationReadsItBackWithItsHolderAndAFullLease()
    {
        var stored = Open(Created(), Gateway, T0);
        var extended = Settle(stored, T0 + TimeSpan.FromSeconds(40), T0 + TimeSpan.FromSeconds(40));
        // Only the lease moved: a heartbeat's renewal would not be stored either.
        Assert.False(UserPresenceState.MustStoreReport(stored.Book, extended.Book, "s1"));

        var resumed = stored.WithLeasesResumed(T0 + TimeSpan.FromMinutes(5));
        Assert.Equal(Gateway, resumed.Book!.Find("s1")!.Holder);
        Assert.Equal(T0 + TimeSpan.FromMinutes(6), resumed.Book.Find("s1")!.ExpiresAt);
    }
}
