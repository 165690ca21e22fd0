using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>Settings of the fan-out runs: how many subscribers, how many writes, how often.</summary>
public sealed record FanOutSettings(int Subscribers, int Repeats, int ClosedLoopWrites, double FixedRate, int FixedRateWrites, int GroupMembers = 10, int HoldSeconds = 0);

/// <summary>Memory of a system with its subscribers connected and idle.</summary>
public sealed record MemoryResult(string System, int Subscribers, long RssBeforeBytes, long RssAfterBytes, int Failed, double IdleServerCores = 0)
{
    public double KiBPerSubscriber => Subscribers == 0 ? 0 : (RssAfterBytes - RssBeforeBytes) / 1024.0 / Subscribers;
    /// <summary>RSS after a further idle while (the idle-memory scenario): what a GC that gives memory back later settles at.</summary>
    public long RssSettledBytes { get; init; }
    public double SettledKiBPerSubscriber => Subscribers == 0 ? 0 : (RssSettledBytes - RssBeforeBytes) / 1024.0 / Subscribers;
    public int Repeat { get; init; }
    public double LoadAverage { get; init; }
}

/// <summary>
/// One group, N subscribers, one member change per message: per system, connect everyone, measure idle memory, then
/// alternate closed-loop and fixed-rate phases <see cref="FanOutSettings.Repeats"/> times.
/// </summary>
public sealed class FanOutScenario(BenchEnvironment env, Action<string> say)
{
    public const string GroupId = "fan";

    public async Task<(List<PhaseResult> Phases, MemoryResult Memory)> RunAsync(ISystemUnderTest system, FanOutSettings settings)
    {
        var phases = new List<PhaseResult>();
        await using var _ = system;
        await system.StartAsync();
        var members = Enumerable.Range(0, settings.GroupMembers).ToArray();
        await system.ProvisionAsync(new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], settings.GroupMembers, [(GroupId, members)]));
        await Task.Delay(2000);
        var rssBefore = ProcStats.RssBytes(system.SocketPids);

        var framesPerSocket = settings.Repeats * (settings.ClosedLoopWrites + settings.FixedRateWrites) + 4;
        await using var fleet = await SubscriberFleet.StartAsync(system, GroupId, settings.Subscribers, stall: false, firstId: 0, framesPerSocket);
        say($"  {system.Name}: {fleet.Connected} subscribers connected, {fleet.Failed} failed");
        await Task.Delay(3000); // idle: let allocation settle before taking resident memory
        var rssAfter = ProcStats.RssBytes(system.SocketPids);
        // Idle CPU with everyone connected: timers, heartbeats, the co-hosted silo. Reported, so that CPU per delivery
        // at low rates (where idle work is a large share) can be read net of it.
        var idleCpu = ProcStats.CpuMicros(system.ServerPids);
        await Task.Delay(3000);
        idleCpu = ProcStats.CpuMicros(system.ServerPids) - idleCpu;
        var memory = new MemoryResult(system.Name, fleet.Connected, rssBefore, rssAfter, fleet.Failed, idleCpu / 3e6);
        say($"  {system.Name}: {memory.KiBPerSubscriber:F1} KiB resident per subscriber, idle {memory.IdleServerCores:F3} cores");
        if (settings.HoldSeconds > 0)
        {
            say($"  holding {settings.HoldSeconds}s; socket pids {string.Join(',', system.SocketPids)}");
            await Task.Delay(TimeSpan.FromSeconds(settings.HoldSeconds));
        }
        await fleet.DumpAsync(env.LogDirectory); // the snapshots

        var driver = new WriteDriver(system, GroupId, members);
        // Warm-up (not reported): JIT tiering, connection pools and grain activations settle before any figure is taken.
        await MeasureAsync(system, fleet, "warm-up", settings.Subscribers, () => driver.ClosedLoopAsync(Math.Min(20, settings.ClosedLoopWrites), fleet.Probe, TimeSpan.FromSeconds(60)));
        for (var r = 0; r < settings.Repeats; r++)
        {
            phases.Add(await MeasureAsync(system, fleet, "closed-loop", settings.Subscribers,
                () => driver.ClosedLoopAsync(settings.ClosedLoopWrites, fleet.Probe, TimeSpan.FromSeconds(120))));
            phases.Add(await MeasureAsync(system, fleet, $"{settings.FixedRate:0.#}/s", settings.Subscribers,
                () => driver.FixedRateAsync(settings.FixedRate, settings.FixedRateWrites)));
        }
        return (phases, memory);
    }

    public async Task<PhaseResult> MeasureAsync(ISystemUnderTest system, SubscriberFleet fleet, string phase, int subscribers,
        Func<Task<List<PhaseAnalysis.Write>>> drive)
    {
        var before = await fleet.TotalAsync();
        var windowStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var serverCpu = ProcStats.CpuMicros(system.ServerPids);
        var loadCpu = ProcStats.CpuMicros(fleet.Pids);
        var writes = await drive();
        var expected = before + (long)writes.Count(w => w.Result.Ok) * subscribers;
        await fleet.WaitForTotalAsync(expected, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(5));
        serverCpu = ProcStats.CpuMicros(system.ServerPids) - serverCpu;
        loadCpu = ProcStats.CpuMicros(fleet.Pids) - loadCpu;
        var arrivals = await fleet.DumpAsync(env.LogDirectory);
        var result = PhaseAnalysis.Analyse(system.Name, phase, subscribers, writes, arrivals, windowStart, serverCpu, loadCpu);
        say($"    {system.Name} {phase}: {result.Delivered}/{result.Expected} delivered, lost {result.Lost}, dup {result.Duplicated}, ooo {result.OutOfOrder}, " +
            $"{result.DeliveriesPerSecond:F0}/s, p50 {result.P50Ms:F1} p99 {result.P99Ms:F1} max {result.MaxMs:F1} ms, server {result.ServerCpuMicrosPerDelivery:F2} µs/delivery, load {result.LoadCpuMicrosPerDelivery:F2} µs/delivery");
        return result;
    }
}
