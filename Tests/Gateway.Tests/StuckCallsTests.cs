using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Tests;

namespace FreedomCti.Presence.Gateway.Tests;

/// <summary>
/// Which REST write attempts a silo's death notice gives up: those in flight for the grace at once, the others once
/// they have been in flight that long within the window after the notice, and none outside the window.
/// </summary>
public sealed class StuckCallsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task DeathNotice_GivesUpOldAttemptsAtOnce_YoungOnesOnceStuckForTheGrace_NoneAfterTheWindow()
    {
        var writes = new StuckCalls(TimeProvider.System, Window);
        using var old = writes.Begin(CancellationToken.None);
        await Task.Delay(StuckCalls.Grace + TimeSpan.FromMilliseconds(100)); // makes `old` older than the grace; not a wait for an outcome
        using var young = writes.Begin(CancellationToken.None);

        Assert.Equal(1, writes.SiloDeclaredDead());
        Assert.True(old.Token.IsCancellationRequested && old.WasAbandoned);
        Assert.False(young.Token.IsCancellationRequested);
        using var afterNotice = writes.Begin(CancellationToken.None); // routed to the dead silo before the cluster caught up

        await Poll.UntilAsync(() => young.Token.IsCancellationRequested && afterNotice.Token.IsCancellationRequested, TimeSpan.FromSeconds(10),
            () => "the younger attempts given up once in flight for the grace");
        Assert.True(young.WasAbandoned && afterNotice.WasAbandoned);
        Assert.Equal(3, writes.Abandoned);

        await Poll.UntilAsync(() => !writes.Watching, TimeSpan.FromSeconds(10), "the window closes");
        using var afterWindow = writes.Begin(CancellationToken.None);
        await Task.Delay(StuckCalls.Grace * 2); // ages it past the grace: nothing may give it up now
        Assert.False(afterWindow.Token.IsCancellationRequested);
        Assert.Equal(3, writes.Abandoned);
    }

    [Fact]
    public async Task FinishedAttempts_AreNotTouched_AndTheDeadlineStillCancels()
    {
        var writes = new StuckCalls(TimeProvider.System, Window);
        var finished = writes.Begin(CancellationToken.None);
        finished.Dispose();
        using var deadline = new CancellationTokenSource();
        using var running = writes.Begin(deadline.Token);
        await Task.Delay(StuckCalls.Grace + TimeSpan.FromMilliseconds(100));

        deadline.Cancel();
        Assert.True(running.Token.IsCancellationRequested);
        Assert.False(running.WasAbandoned); // cancelled by its deadline, not given up on a dead silo
        Assert.Equal(0, writes.SiloDeclaredDead()); // neither the one its deadline ended nor the finished one
        Assert.False(running.WasAbandoned);
        Assert.Equal(0, writes.Abandoned);
    }
}
