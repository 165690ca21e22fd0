using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.Tests;
using Microsoft.Extensions.Time.Testing;

namespace FreedomCti.Presence.Gateway.Tests;

/// <summary>
/// The re-watch queue after a silo's death: a topic waiting out its backoff is tried again as soon as the death is
/// declared, and an attempt stuck on the dead silo is given up and tried again at once. Time is a fake clock, so the
/// backoffs never end by themselves: only the death notice can move the queue on.
/// </summary>
public sealed class RewatchQueueTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task DeathNotice_EndsABackoff_TheNextAttemptRunsWithoutWaitingItOut()
    {
        var clock = new FakeTimeProvider();
        var queue = new RewatchQueue(concurrency: 4, clock);
        var topic = new ScriptedTopic(failures: 4);
        queue.Enqueue(topic);
        await Poll.UntilAsync(() => topic.Attempts == 1, Bound, () => $"the first attempt ({topic.Attempts})");
        for (var attempt = 2; attempt <= 4; attempt++) // the grain not yet reachable: the usual backoff (250 ms, 500 ms, 1 s)
        {
            await AdvanceUntilAsync(clock, () => topic.Attempts == attempt);
        }
        Assert.Equal(4, topic.Attempts); // now in the 2 s backoff, which the fake clock no longer moves

        queue.SiloDeclaredDead();

        await Poll.UntilAsync(() => topic.Attempts == 5 && queue.Pending == 0, Bound,
            () => $"the attempt after the death notice without waiting out the backoff ({topic.Attempts} attempts, {queue.Pending} pending)");
    }

    [Fact]
    public async Task DeathNotice_GivesUpAnAttemptStuckOnTheDeadSilo_AndTriesAgainAtOnce()
    {
        var clock = new FakeTimeProvider();
        var queue = new RewatchQueue(concurrency: 4, clock);
        var topic = new ScriptedTopic(failures: 0, hangFirst: true);
        queue.Enqueue(topic);
        await Poll.UntilAsync(() => topic.Attempts == 1, Bound, () => "the first attempt");
        clock.Advance(TimeSpan.FromSeconds(1)); // in flight longer than the grace; the 10 s call timeout is far off

        queue.SiloDeclaredDead();

        await Poll.UntilAsync(() => topic.Attempts == 2 && queue.Pending == 0, Bound,
            () => $"the stuck attempt given up and the next one made ({topic.Attempts} attempts, {queue.Pending} pending)");
        Assert.Equal(1, queue.Abandoned);
    }

    [Fact]
    public async Task WithoutADeathNotice_TheBackoffHolds()
    {
        var clock = new FakeTimeProvider();
        var queue = new RewatchQueue(concurrency: 4, clock);
        var topic = new ScriptedTopic(failures: 1);
        queue.Enqueue(topic);
        await Poll.UntilAsync(() => topic.Attempts == 1, Bound, () => "the first attempt");

        var waited = await AdvanceUntilAsync(clock, () => topic.Attempts == 2);

        // A retry before its backoff would make the notice tests pass for the wrong reason.
        Assert.True(waited >= TimeSpan.FromMilliseconds(250), $"retried after {waited.TotalMilliseconds} ms of fake time");
        await Poll.UntilAsync(() => queue.Pending == 0, Bound, () => "the topic done once watched");
    }

    /// <summary>Moves the fake clock on in small steps until the condition holds; returns how far it moved.</summary>
    private static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider clock, Func<bool> condition)
    {
        var step = TimeSpan.FromMilliseconds(50);
        var moved = TimeSpan.Zero;
        for (var i = 0; i < 400 && !condition(); i++)
        {
            clock.Advance(step);
            moved += step;
            // The timers' continuations run on the thread pool: give them a moment (bounded) before the next step.
            await Task.Run(() => SpinWait.SpinUntil(condition, TimeSpan.FromMilliseconds(20)));
        }
        Assert.True(condition(), $"not reached after {moved.TotalSeconds} s of fake time");
        return moved;
    }

    /// <summary>A topic whose grain is unreachable for its first attempts (failing fast, or hanging until given up).</summary>
    private sealed class ScriptedTopic(int failures, bool hangFirst = false) : ITopic
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);
        public TopicKey Key { get; } = new(TopicKind.User, "org", "u1");
        public int SubscriberCount => 1;
        public bool IsReleased => false;
        public SiloAddress? Host => null;

        public async Task<bool> TryRewatchAsync(CancellationToken abandoned = default)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            if (hangFirst && attempt == 1)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, abandoned);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
            return attempt > failures + (hangFirst ? 1 : 0);
        }

        public Task<SubscribeOutcome> AddAsync(ITopicSubscriber subscriber, string? requiredMember = null, long? lastSeq = null) => throw new NotSupportedException();
        public void Remove(ITopicSubscriber subscriber) => throw new NotSupportedException();
        public Task RenewAsync() => throw new NotSupportedException();
    }
}
