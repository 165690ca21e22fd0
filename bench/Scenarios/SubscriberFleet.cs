using System.Diagnostics;
using System.Text;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>
/// All subscribers of one group for one system: one probe socket in this process (the closed loop waits on it) and
/// the rest in child processes of at most <see cref="PerProcess"/> sockets each.
/// </summary>
public sealed class SubscriberFleet : IAsyncDisposable
{
    public const int PerProcess = 9_000;

    private readonly List<SubscriberProcess> _children = [];
    private readonly LoopbackSockets _probeSockets = new(firstAddress: 240);
    private SubscriberSet? _probeSet;
    private int _probeCount;

    public ArrivalLog Probe { get; } = new(1_000_000) { Signals = true };
    public int Connected { get; private set; }
    public int Failed { get; private set; }

    public int[] Pids => [Environment.ProcessId, .. _children.Select(c => c.Pid)];

    /// <summary>Connects <paramref name="count"/> subscribers (one of them the probe unless <paramref name="stall"/>).</summary>
    public static async Task<SubscriberFleet> StartAsync(ISystemUnderTest system, string groupId, int count, bool stall,
        int firstId, int framesPerSocket, bool withProbe = true, string? topics = null)
    {
        var fleet = new SubscriberFleet();
        var rest = count;
        if (withProbe && !stall)
        {
            var spec = system.Subscriber(groupId, 0, 1, firstId, stall: false, 0);
            fleet._probeSet = new SubscriberSet(fleet.Probe, fleet._probeSockets, firstId);
            var subscribe = spec.Subscribe is null ? null : Encoding.UTF8.GetBytes(spec.Subscribe);
            var (ok, bad) = await fleet._probeSet.ConnectAsync(new SubscriberPlan(_ => new Uri(spec.Url), _ => subscribe, spec.WaitForSnapshot), 1, false, TimeSpan.FromSeconds(60), 1);
            fleet.Connected += ok;
            fleet.Failed += bad;
            fleet._probeCount = 1;
            rest--;
        }
        var index = 0;
        for (var first = 0; first < rest; first += PerProcess, index++)
        {
            var n = Math.Min(PerProcess, rest - first);
            var spec = system.Subscriber(groupId, index, n, firstId + fleet._probeCount + first, stall, capacity: Math.Max(1024, n * framesPerSocket + 1024)) with { Topics = topics };
            fleet._children.Add(SubscriberProcess.Start(spec));
        }
        foreach (var child in fleet._children)
        {
            var (ok, bad) = await child.ReadyAsync(TimeSpan.FromMinutes(5));
            fleet.Connected += ok;
            fleet.Failed += bad;
        }
        return fleet;
    }

    public async Task<long> TotalAsync()
    {
        long total = Probe.Total;
        foreach (var child in _children) total += (await child.CountAsync()).Total;
        return total;
    }

    public async Task<int> ClosedAsync()
    {
        var closed = _probeSet?.Closed ?? 0;
        foreach (var child in _children) closed += (await child.CountAsync()).Closed;
        return closed;
    }

    /// <summary>Waits (bounded) until the fleet has logged <paramref name="target"/> frames or stops making progress.</summary>
    public async Task WaitForTotalAsync(long target, TimeSpan bound, TimeSpan stallAfter)
    {
        var clock = Stopwatch.StartNew();
        long last = -1;
        var lastProgress = clock.Elapsed;
        while (clock.Elapsed < bound)
        {
            var total = await TotalAsync();
            if (total >= target) return;
            if (total != last) { last = total; lastProgress = clock.Elapsed; }
            else if (clock.Elapsed - lastProgress > stallAfter) return;
            await Task.Delay(100);
        }
    }

    public async Task<Arrival[]> DumpAsync(string directory)
    {
        var all = new List<Arrival>(Probe.Drain());
        for (var i = 0; i < _children.Count; i++)
        {
            all.AddRange(await _children[i].DumpAsync(Path.Combine(directory, $"arrivals-{Environment.ProcessId}-{i}.bin")));
        }
        return [.. all];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children) await child.DisposeAsync();
        if (_probeSet is not null) await _probeSet.DisposeAsync();
        _probeSockets.Dispose();
    }
}
