using System.Collections.Concurrent;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>
/// The REST writes in flight on this gateway, so that when the cluster declares a silo dead the attempts that may be
/// waiting on it are given up at once instead of at the write deadline (Api:WriteTimeout).
/// </summary>
/// <remarks>
/// An Orleans client is not told which silo a grain call went to, and a call to a silo killed mid-request gets no
/// answer until the client's own timeout. So on a death notice every attempt that started before it is abandoned:
/// one that was really waiting on the dead silo is retried under its Idempotency-Key (applied once, the retry answered
/// from the user's record if the first attempt was stored) or answered 503 at once; one that was merely in flight
/// elsewhere costs a retry. Attempts younger than <see cref="Grace"/> at the notice are left a second pass
/// <see cref="Grace"/> later: a healthy write has finished by then, a stuck one has not.
/// </remarks>
public sealed class StuckWrites(TimeProvider clock)
{
    /// <summary>How long a write attempt may be in flight at a silo's death notice before it is presumed stuck.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<Attempt, byte> _inFlight = new();

    /// <summary>Writes given up on a dead silo since start (retried or answered 503).</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);
    private long _abandoned;

    /// <summary>Registers one attempt; dispose it when the attempt ends. Its token is cancelled if it is abandoned.</summary>
    public Attempt Begin(CancellationToken deadline) => new(this, CancellationTokenSource.CreateLinkedTokenSource(deadline), clock.GetTimestamp());

    /// <summary>A silo was declared dead: abandon the attempts that started before now (the young ones after <see cref="Grace"/>).</summary>
    public int SiloDeclaredDead()
    {
        var notice = clock.GetTimestamp();
        var abandoned = AbandonStartedBefore(notice, olderThan: Grace);
        _ = SecondPassAsync(notice);
        return abandoned;
    }

    private async Task SecondPassAsync(long notice)
    {
        await Task.Delay(Grace, clock);
        AbandonStartedBefore(notice, olderThan: TimeSpan.Zero);
    }

    private int AbandonStartedBefore(long notice, TimeSpan olderThan)
    {
        var count = 0;
        foreach (var attempt in _inFlight.Keys)
        {
            if (attempt.Started < notice && clock.GetElapsedTime(attempt.Started, notice) >= olderThan && attempt.Abandon())
            {
                count++;
                Interlocked.Increment(ref _abandoned);
            }
        }
        return count;
    }

    /// <summary>One try of one write: its cancellation (the write's deadline, or abandonment) and when it started.</summary>
    public sealed class Attempt : IDisposable
    {
        private readonly StuckWrites _owner;
        private readonly CancellationTokenSource _cancel;
        private int _abandoned;

        internal Attempt(StuckWrites owner, CancellationTokenSource cancel, long started)
        {
            _owner = owner;
            _cancel = cancel;
            Started = started;
            owner._inFlight.TryAdd(this, 0);
        }

        public long Started { get; }
        public CancellationToken Token => _cancel.Token;

        /// <summary>This attempt was given up because a silo died while it was in flight.</summary>
        public bool WasAbandoned => Volatile.Read(ref _abandoned) == 1;

        internal bool Abandon()
        {
            if (_cancel.IsCancellationRequested || Interlocked.Exchange(ref _abandoned, 1) == 1) return false; // its deadline came first
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                return false; // finished meanwhile
            }
            return true;
        }

        public void Dispose()
        {
            _owner._inFlight.TryRemove(this, out _);
            _cancel.Dispose();
        }
    }
}
