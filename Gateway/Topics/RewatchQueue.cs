using System.Collections.Concurrent;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Watches topics again after their watch was lost (a grain moved, a silo died, the cluster connection came back):
/// a bounded number at a time, so a silo holding thousands of this gateway's topics does not turn into thousands of
/// simultaneous activations, each retried with backoff until its grain answers or the topic is released.
/// </summary>
/// <remarks>
/// A topic queued twice runs once. A retry waits outside the bound, so topics whose grain is still unreachable (a dead
/// silo not yet declared dead) do not hold back the others.
/// </remarks>
public sealed class RewatchQueue(int concurrency, TimeProvider clock)
{
    private readonly SemaphoreSlim _slots = new(concurrency);
    private readonly ConcurrentDictionary<ITopic, byte> _pending = new();

    /// <summary>Topics queued or being watched again now.</summary>
    public int Pending => _pending.Count;

    public void Enqueue(ITopic topic)
    {
        if (_pending.TryAdd(topic, 0)) _ = RunAsync(topic);
    }

    private async Task RunAsync(ITopic topic)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                bool done;
                await _slots.WaitAsync();
                try
                {
                    done = await topic.TryRewatchAsync();
                }
                finally
                {
                    _slots.Release();
                }
                if (done) return;
                await Task.Delay(Backoff(attempt), clock);
            }
        }
        finally
        {
            _pending.TryRemove(topic, out _);
        }
    }

    // 250 ms, 500 ms, 1 s, then every 2 s: a dead silo's grains come back as soon as the cluster declares it dead.
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(2000, 250 << Math.Min(attempt, 3)));
}
