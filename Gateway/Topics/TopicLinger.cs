namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// The end of a topic's life: when its last subscriber leaves, it lingers a while (a reconnecting client finds it
/// still warm), and is released if nobody came back; a new subscriber cancels the linger.
/// </summary>
/// <remarks>
/// Shares the topic's lock (<paramref name="gate"/>): methods named *Locked are called under it, and the linger's end
/// takes it to decide. A released topic stays released: the hub makes a fresh one for the next subscriber.
/// </remarks>
/// <param name="idle">Whether the topic has no subscriber (asked under the lock).</param>
/// <param name="letGo">Runs once, outside the lock, when the topic is released: the hub forgets it and its watch ends.</param>
internal sealed class TopicLinger(object gate, TimeSpan linger, TimeProvider clock, Func<bool> idle, Func<Task> letGo)
{
    private CancellationTokenSource? _pending;

    /// <summary>The linger ran out with nobody subscribed; read under the lock.</summary>
    public bool Released { get; private set; }

    /// <summary>A linger is running; read under the lock.</summary>
    public bool IsLingering => _pending is not null;

    /// <summary>Starts the linger if the topic is idle and none runs yet.</summary>
    public void ScheduleLocked()
    {
        if (!idle() || Released || _pending is not null) return;
        var cts = new CancellationTokenSource();
        _pending = cts;
        _ = ReleaseAfterLingerAsync(cts);
    }

    /// <summary>A subscriber arrived: the topic stays.</summary>
    public void CancelLocked()
    {
        _pending?.Cancel();
        _pending = null;
    }

    private async Task ReleaseAfterLingerAsync(CancellationTokenSource cts)
    {
        try
        {
            await Task.Delay(linger, clock, cts.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        lock (gate)
        {
            if (cts.IsCancellationRequested) return;
            // This linger is over either way: a subscriber that arrived without cancelling it (it was admitted while
            // another's refusal started the linger) must still get a fresh linger when it leaves, or the topic and its
            // watch would never be released.
            if (ReferenceEquals(_pending, cts)) _pending = null;
            if (!idle() || Released) return;
            Released = true;
        }
        await letGo();
    }
}
