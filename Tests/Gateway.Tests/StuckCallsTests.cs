using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Tests;
using Microsoft.Extensions.Time.Testing;

namespace FreedomCti.Presence.Gateway.Tests;

/// <summary>
/// Which REST write attempts a silo's death notice gives up: those in flight for the grace at once, the others once
/// they have been in flight that long within the window after the notice, and none outside the window.
/// </summary>
/// <remarks>The attempts age on a fake clock: the test moves time on instead of waiting for it.</remarks>
public sealed class StuckCallsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task DeathNotice_GivesUpOldAttemptsAtOnce_YoungOnesOnceStuckForTheGrace_NoneAfterTheWindow()
    {
        var clock = new FakeTimeProvider();
        var writes = new StuckCalls(clock, Window);
        using var old = writes.Begin(CancellationToken.None);
        clock.Advance(StuckCalls.Grace); // `old` has been in flight for the grace
        using var young = writes.Begin(CancellationToken.None);

        Assert.Equal(1, writes.SiloDeclaredDead());
        var noticeAt = clock.GetUtcNow();
        Assert.True(old.Token.IsCancellationRequested && old.WasAbandoned);
        Assert.False(young.Token.IsCancellationRequested);
        using var afterNotice = writes.Begin(CancellationToken.None); // routed to the dead silo before the cluster caught up

        // The sweep due once they have been in flight for the grace gives them up.
        clock.Advance(StuckCalls.Grace);
        await Poll.UntilAsync(() => young.Token.IsCancellationRequested && afterNotice.Token.IsCancellationRequested, TimeSpan.FromSeconds(10),
            () => "the younger attempts given up once in flight for the grace");
        Assert.True(young.WasAbandoned && afterNotice.WasAbandoned);
        Assert.Equal(3, writes.Abandoned);

        // Past the window the sweeps stop; an attempt begun then is never given up, however long it runs.
        // The loop waits for one sweep at a time on the clock, so time moves a sweep at a time until it stops.
        await Poll.UntilAsync(() =>
        {
            if (writes.Watching) clock.Advance(TimeSpan.FromMilliseconds(250));
            return !writes.Watching;
        }, TimeSpan.FromSeconds(10), "the window closes");
        Assert.True(clock.GetUtcNow() - noticeAt >= Window, $"the sweeps stopped {clock.GetUtcNow() - noticeAt} after the notice");
        using var afterWindow = writes.Begin(CancellationToken.None);
        clock.Advance(StuckCalls.Grace * 2);
        Assert.False(afterWindow.Token.IsCancellationRequested);
        Assert.Equal(3, writes.Abandoned);
    }

    [Fact]
    public void FinishedAttempts_AreNotTouched_AndTheDeadlineStillCancels()
    {
        var clock = new FakeTimeProvider();
        var writes = new StuckCalls(clock, Window);
        var finished = writes.Begin(CancellationToken.None);
        finished.Dispose();
        using var deadline = new CancellationTokenSource();
        using var running = writes.Begin(deadline.Token);
        clock.Advance(StuckCalls.Grace); // both would be old enough to give up

        deadline.Cancel();
        Assert.True(running.Token.IsCancellationRequested);
        Assert.False(running.WasAbandoned); // cancelled by its deadline, not given up on a dead silo
        Assert.Equal(0, writes.SiloDeclaredDead()); // neither the one its deadline ended nor the finished one
        Assert.False(running.WasAbandoned);
        Assert.Equal(0, writes.Abandoned);
    }
}
