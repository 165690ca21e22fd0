using System.Collections.Concurrent;
using FreedomCti.Presence.Gateway.Hosting;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Watches topics again after their watch was lost (a grain moved, a silo died, the cluster connection came back):
/// a bounded number at a time, so a silo holding thousands of this gateway's topics does not turn into thousands of
/// simultaneous activations, each retried with backoff until its grain answers or the topic is released.
/// </summary>
/// <remarks>
/// A topic queued twice runs once. A retry waits outside the bound, so topics whose grain is still unreachable (a dead
/// silo not yet declared dead) do not hold back the others. A silo's death notice (<see cref="SiloDeclaredDead"/>)
/// ends every backoff at once and gives up the attempts stuck on the dead silo (<see cref="StuckCalls"/>): the
/// grains come back elsewhere from that moment, and a topic that waited out a 2 s backoff, or a 10 s call timeout,
/// left its subscribers without updates for that long.
/// </remarks>
public sealed class RewatchQueue(int concurrency, TimeProvider clock)
{
    private readonly SemaphoreSlim _slots = new(concurrency);
    private readonly ConcurrentDictionary<ITopic, byte> _pending = new();
    private readonly StuckCalls _stuck = new(clock);
    private TaskCompletionSource _deathNotice = NewNotice();

    /// <summary>Topics queued or being watched again now.</summary>
    public int Pending => _pending.Count;

    /// <summary>Attempts given up because a silo was declared dead while they were in flight.</summary>
    public long Abandoned => _stuck.Abandoned;

    /// <summary>Queues the topic unless it is queued already; says whether it was newly queued.</summary>
    public bool Enqueue(ITopic topic)
    {
        if (!_pending.TryAdd(topic, 0)) return false;
        _ = RunAsync(topic);
        return true;
    }

    /// <summary>The cluster declared a silo dead: retry now whatever waits in backoff, and give up attempts stuck on it.</summary>
    public void SiloDeclaredDead()
    {
        Interlocked.Exchange(ref _deathNotice, NewNotice()).TrySetResult();
        _stuck.SiloDeclaredDead();
    }

    private async Task RunAsync(ITopic topic)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                bool done;
                var notice = Volatile.Read(ref _deathNotice).Task;
                await _slots.WaitAsync();
                using (var call = _stuck.Begin(CancellationToken.None))
                {
                    try
                    {
                        done = await topic.TryRewatchAsync(call.Token);
                    }
                    finally
                    {
                        _slots.Release();
                    }
                    if (call.WasAbandoned && !done) continue; // stuck on the silo just declared dead: its grain is elsewhere now
                }
                if (done) return;
                // A death notice during the attempt or the wait means the grain can be reached now: no need to wait on.
                // In the seconds after one, routing to the grains' new homes is still settling: try often, not with backoff.
                await Task.WhenAny(Task.Delay(_stuck.Watching ? SettlingRetry : Backoff(attempt), clock), notice);
            }
        }
        finally
        {
            _pending.TryRemove(topic, out _);
        }
    }

    private static TaskCompletionSource NewNotice() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static readonly TimeSpan SettlingRetry = TimeSpan.FromMilliseconds(250);

    // 250 ms, 500 ms, 1 s, then every 2 s, unless a death notice comes first.
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(2000, 250 << Math.Min(attempt, 3)));
}
