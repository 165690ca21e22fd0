using System.Diagnostics;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>
/// Drives member presence changes: closed-loop (the next write once the probe subscriber has the previous frame,
/// so no queue builds up anywhere) or open-loop at a fixed rate. Every write changes the member's status.
/// </summary>
public sealed class WriteDriver(ISystemUnderTest system, string groupId, int[] members)
{
    private readonly Dictionary<int, byte> _status = [];
    private int _next;

    private (int User, byte Status) NextChange()
    {
        var user = members[_next++ % members.Length];
        var current = _status.GetValueOrDefault(user, (byte)5); // everyone starts offline
        var status = current == 1 ? (byte)0 : (byte)1;          // available <-> busy
        _status[user] = status;
        return (user, status);
    }

    public async Task<List<PhaseAnalysis.Write>> ClosedLoopAsync(int count, ArrivalLog probe, TimeSpan bound)
    {
        var writes = new List<PhaseAnalysis.Write>(count);
        var clock = Stopwatch.StartNew();
        var seen = probe.Total;
        for (var i = 0; i < count && clock.Elapsed < bound; i++)
        {
            var (user, status) = NextChange();
            var result = await system.WriteAsync(groupId, user, status);
            writes.Add(new(user, status, result));
            if (result.Ok && !await probe.WaitForTotalAsync(++seen, TimeSpan.FromSeconds(10))) break;
        }
        return writes;
    }

    public async Task<List<PhaseAnalysis.Write>> FixedRateAsync(double perSecond, int count)
    {
        var writes = new List<PhaseAnalysis.Write>(count);
        var start = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        var inFlight = new Dictionary<int, Task>();
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i / perSecond * Stopwatch.Frequency);
            var wait = (due - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            var (user, status) = NextChange();
            // Open loop: a slow answer does not delay writes to other members. Two writes to one member are never in
            // flight together (their order would be the server's choice); if the system is that far behind, the rate drops.
            if (inFlight.TryGetValue(user, out var previous)) await previous.WaitAsync(TimeSpan.FromSeconds(60));
            var task = Task.Run(async () =>
            {
                var result = await system.WriteAsync(groupId, user, status);
                lock (writes) writes.Add(new(user, status, result));
            });
            inFlight[user] = task;
            pending.Add(task);
        }
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(60));
        return writes;
    }
}
