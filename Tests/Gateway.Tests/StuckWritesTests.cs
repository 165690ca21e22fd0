using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Tests;

namespace FreedomCti.Presence.Gateway.Tests;

/// <summary>
/// Which REST write attempts a silo's death notice gives up: those in flight long enough to be waiting on the dead
/// silo at once, the young ones one grace period later, and none that started after the notice.
/// </summary>
public sealed class StuckWritesTests
{
    [Fact]
    public async Task DeathNotice_GivesUpOldAttemptsAtOnce_YoungOnesAfterTheGrace_NeverLaterOnes()
    {
        var writes = new StuckWrites(TimeProvider.System);
        using var old = writes.Begin(CancellationToken.None);
        await Task.Delay(StuckWrites.Grace + TimeSpan.FromMilliseconds(100)); // makes `old` older than the grace; not a wait for an outcome
        using var young = writes.Begin(CancellationToken.None);

        Assert.Equal(1, writes.SiloDeclaredDead());
        Assert.True(old.Token.IsCancellationRequested && old.WasAbandoned);
        Assert.False(young.Token.IsCancellationRequested);
        using var later = writes.Begin(CancellationToken.None);

        await Poll.UntilAsync(() => young.Token.IsCancellationRequested, TimeSpan.FromSeconds(10), () => "the young attempt given up by the second pass");
        Assert.True(young.WasAbandoned);
        Assert.False(later.Token.IsCancellationRequested);
        Assert.Equal(2, writes.Abandoned);
    }

    [Fact]
    public async Task FinishedAttempts_AreNotTouched_AndTheDeadlineStillCancels()
    {
        var writes = new StuckWrites(TimeProvider.System);
        var finished = writes.Begin(CancellationToken.None);
        finished.Dispose();
        using var deadline = new CancellationTokenSource();
        using var running = writes.Begin(deadline.Token);
        await Task.Delay(StuckWrites.Grace + TimeSpan.FromMilliseconds(100));

        deadline.Cancel();
        Assert.True(running.Token.IsCancellationRequested);
        Assert.False(running.WasAbandoned); // cancelled by its deadline, not given up on a dead silo
        Assert.Equal(0, writes.SiloDeclaredDead()); // neither the one its deadline ended nor the finished one
        Assert.False(running.WasAbandoned);
        Assert.Equal(0, writes.Abandoned);
    }
}
