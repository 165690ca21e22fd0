using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

/// <summary>What of a user's sessions reaches storage, and how an activation reads stored sessions back.</summary>
public class SessionStoringTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly SessionPolicy Policy = new(true, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));

    private static UserPresenceState Opened(PresenceStatus status = PresenceStatus.Available)
    {
        var created = UserPresenceState.Empty.WithProfile(new UserProfile("Alice", "1001", Capabilities.Default), T0);
        var (_, opened) = created.WithSessionOpened(new SessionOpen("s1", "desktop", status), Policy, T0);
        return opened.Evaluate(T0 + Policy.Debounce);
    }

    private static UserPresenceState Heartbeat(UserPresenceState s, DateTimeOffset at, bool activity = false, PresenceStatus? status = null)
    {
        var (outcome, next) = s.WithSessionReport("s1", new SessionReport(status, activity), at);
        Assert.Equal(SessionOutcome.Done, outcome);
        return next.Evaluate(at);
    }

    [Fact]
    public void Heartbeats_ForAnHour_StoreNothing_WhenOnlyTheLeaseMoves()
    {
        var stored = Opened(PresenceStatus.Busy); // busy never turns idle: only the lease moves
        var state = stored;
        var writes = 0;
        for (var at = T0 + Policy.Lease / 3; at <= T0 + TimeSpan.FromHours(1); at += Policy.Lease / 3)
        {
            state = Heartbeat(state, at);
            if (UserPresenceState.MustStoreReport(stored.Book, state.Book, "s1"))
            {
                writes++;
                stored = state;
            }
        }
        Assert.Equal(0, writes); // before: one write per 40 s (90 an hour) to keep the stored lease at most half a lease short
        Assert.True(state.Book!.Find("s1")!.IsLive(T0 + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Heartbeats_WithActivity_StoreOncePerHalfIdleThreshold()
    {
        var stored = Opened();
        var state = stored;
        var writes = 0;
        for (var at = T0 + Policy.Lease / 3; at <= T0 + TimeSpan.FromHours(1); at += Policy.Lease / 3)
        {
            state = Heartbeat(state, at, activity: true);
            if (UserPresenceState.MustStoreReport(stored.Book, state.Book, "s1"))
            {
                writes++;
                stored = state;
            }
        }
        // Activity every 20 s moves idle detection; it is stored once it moved 2.5 min (half of the 5 min idle threshold),
        // that is every 8th heartbeat (160 s): 22 of the hour's 180 heartbeats.
        Assert.Equal(22, writes);
    }

    [Fact]
    public void Heartbeat_ThatChangesTheSessionStatus_IsStored()
    {
        var stored = Opened();
        var next = Heartbeat(stored, T0 + TimeSpan.FromSeconds(20), status: PresenceStatus.Busy);
        Assert.True(UserPresenceState.MustStoreReport(stored.Book, next.Book, "s1"));
    }

    [Fact]
    public void Activation_GivesStoredSessionsAFullLeaseFromNow_NeverShortensOne()
    {
        var stored = Opened(); // its stored lease ends at T0 + 60 s
        var crashRecovered = stored.WithLeasesResumed(T0 + TimeSpan.FromMinutes(10));
        Assert.Equal(T0 + TimeSpan.FromMinutes(10) + Policy.Lease, crashRecovered.Book!.Find("s1")!.ExpiresAt);
        Assert.Equal(stored.Status, crashRecovered.Evaluate(T0 + TimeSpan.FromMinutes(10)).Status); // live: no stale flicker

        var early = stored.WithLeasesResumed(T0 - TimeSpan.FromSeconds(30));
        Assert.Equal(T0 + Policy.Lease, early.Book!.Find("s1")!.ExpiresAt);

        var vanished = crashRecovered.Evaluate(T0 + TimeSpan.FromMinutes(10) + Policy.Lease + TimeSpan.FromSeconds(1));
        Assert.True(vanished.Stale); // a client that stopped renewing is stale one lease after the activation
    }

    [Fact]
    public void Activation_WithoutSessions_ChangesNothing()
    {
        var plain = UserPresenceState.Empty.WithProfile(new UserProfile("Bob", "1002", Capabilities.Default), T0);
        Assert.Same(plain, plain.WithLeasesResumed(T0 + TimeSpan.FromHours(1)));
    }
}
