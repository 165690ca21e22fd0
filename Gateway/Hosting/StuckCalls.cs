using System.Collections.Concurrent;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// Grain calls in flight on this gateway (REST writes; re-watches of topics), so that when the cluster declares a silo
/// dead the attempts that may be waiting on it are given up at once instead of at their deadline (Api:WriteTimeout,
/// Gateway:GrainCallTimeout).
/// </summary>
/// <remarks>
/// An Orleans client is not told which silo a grain call went to, and a call to a silo killed mid-request gets no
/// answer until the client's own timeout. Calls made in the first seconds after the death is declared can still be
/// routed to it (a silo's routing and directory catch up with the membership a little later). So a death notice opens a
/// <see cref="Window"/> in which every attempt that has been in flight for <see cref="Grace"/> is given up, checked
/// every quarter of a second. What a given-up attempt means is its owner's: a keyed write is retried under its
/// Idempotency-Key (applied once, the retry answered from the user's record if the first attempt was stored), an
/// unkeyed one is answered 503 at once, a re-watch is tried again at once. A healthy call finishes well within the
/// grace, so one given up by mistake costs a retry, not a wrong answer. Each owner keeps its own instance.
/// </remarks>
public sealed class StuckCalls(TimeProvider clock, TimeSpan window)
{
    /// <summary>How long an attempt may be in flight, after a silo's death notice, before it is presumed stuck.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    /// <summary>How long after a death notice attempts are watched.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<Attempt, byte> _inFlight = new();
    private long _watchUntil;
    private int _sweeping;

    public StuckCalls(TimeProvider clock) : this(clock, DefaultWindow)
    {
    }

    /// <summary>How long after a death notice attempts are watched.</summary>
    public TimeSpan Window { get; } = window;

    /// <summary>A death notice's window is open (its sweeps are running).</summary>
    public bool Watching => Volatile.Read(ref _sweeping) == 1;

    /// <summary>Attempts given up on a dead silo since start.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);
    private long _abandoned;

    /// <summary>Registers one attempt; dispose it when the attempt ends. Its token is cancelled if it is abandoned.</summary>
    public Attempt Begin(CancellationToken deadline) => new(this, CancellationTokenSource.CreateLinkedTokenSource(deadline), clock.GetTimestamp());

    /// <summary>A silo was declared dead: give up the attempts in flight for the grace now, and watch the others for <see cref="Window"/>.</summary>
    public int SiloDeclaredDead()
    {
        Interlocked.Exchange(ref _watchUntil, clock.GetTimestamp() + (long)(Window.TotalSeconds * clock.TimestampFrequency));
        var abandoned = Sweep();
        if (Interlocked.Exchange(ref _sweeping, 1) == 0) _ = SweepUntilWindowEndsAsync();
        return abandoned;
    }

    private async Task SweepUntilWindowEndsAsync()
    {
        while (true)
        {
            while (clock.GetTimestamp() < Interlocked.Read(ref _watchUntil))
            {
                await Task.Delay(SweepInterval, clock);
                Sweep();
            }
            Volatile.Write(ref _sweeping, 0);
            // A notice that came while the loop was ending extends the window: go on unless another loop took over.
            if (clock.GetTimestamp() >= Interlocked.Read(ref _watchUntil) || Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        }
    }

    private int Sweep()
    {
        var now = clock.GetTimestamp();
        var count = 0;
        foreach (var attempt in _inFlight.Keys)
        {
            if (clock.GetElapsedTime(attempt.Started, now) >= Grace && attempt.Abandon())
            {
                count++;
                Interlocked.Increment(ref _abandoned);
            }
        }
        return count;
    }

    /// <summary>One try of one call: its cancellation (the call's deadline, or abandonment) and when it started.</summary>
    public sealed class Attempt : IDisposable
    {
        private readonly StuckCalls _owner;
        private readonly CancellationTokenSource _cancel;
        private int _abandoned;

        internal Attempt(StuckCalls owner, CancellationTokenSource cancel, long started)
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
