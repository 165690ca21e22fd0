using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>Healthy sockets' tail latency without and with stalled ones, and what the stalled ones cost in memory.</summary>
public sealed record StalledResult(PhaseResult Without, PhaseResult With, PhaseResult ControlBurst, PhaseResult Burst, int Stalled,
    long RssAfterControlBurstBytes, long RssBeforeStalledBytes, long RssAfterBurstBytes, long RssEndBytes, int HealthyClosed);

/// <summary>
/// A group with healthy subscribers is driven at a fixed rate; then stalled subscribers (subscribe, then never read;
/// 4 KiB kernel receive buffer) join, a closed-loop burst larger than the 1024-frame send queue passes, and the fixed
/// rate runs again. The healthy p99 must not move, no healthy socket may close, and memory must stay bounded.
/// </summary>
public sealed class StalledScenario(BenchEnvironment env, Action<string> say)
{
    public async Task<StalledResult> RunAsync(BenchOptions options)
    {
        var burst = options.Smoke ? 300 : 3000;
        var rate = options.Smoke ? 20 : 20;
        var writes = options.Smoke ? 20 : 100;
        await using var gateway = GatewaySystem.Embedded(env);
        await gateway.StartAsync();
        var members = Enumerable.Range(0, 10).ToArray();
        await gateway.ProvisionAsync(new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], 10, [("stall", members)]));
        await using var healthy = await SubscriberFleet.StartAsync(gateway, "stall", options.StalledHealthy, false, 0, 2 * options.Repeats * writes + 2 * burst + 8);
        await healthy.DumpAsync(env.LogDirectory);
        var fanOut = new FanOutScenario(env, say);
        var driver = new WriteDriver(gateway, "stall", members);
        var without = await MedianAsync(options.Repeats, () => fanOut.MeasureAsync(gateway, healthy, $"{rate}/s healthy only", options.StalledHealthy, () => driver.FixedRateAsync(rate, writes)));

        // The same burst without stalled sockets first: the control for what the burst alone does to resident memory.
        var control = await fanOut.MeasureAsync(gateway, healthy, $"closed-loop burst of {burst}, healthy only", options.StalledHealthy,
            () => driver.ClosedLoopAsync(burst, healthy.Probe, TimeSpan.FromSeconds(120)));
        var rssAfterControl = ProcStats.RssBytes(gateway.SocketPids);
        await using var stalled = await SubscriberFleet.StartAsync(gateway, "stall", options.Stalled, stall: true, firstId: 500_000, 4, withProbe: false);
        say($"  stalled: {stalled.Connected} stalled subscribers in place");
        var rssBefore = ProcStats.RssBytes(gateway.SocketPids);
        var burstResult = await fanOut.MeasureAsync(gateway, healthy, $"closed-loop burst of {burst} with stalled", options.StalledHealthy,
            () => driver.ClosedLoopAsync(burst, healthy.Probe, TimeSpan.FromSeconds(120)));
        var rssAfterBurst = ProcStats.RssBytes(gateway.SocketPids);
        var with = await MedianAsync(options.Repeats, () => fanOut.MeasureAsync(gateway, healthy, $"{rate}/s with {options.Stalled} stalled", options.StalledHealthy, () => driver.FixedRateAsync(rate, writes)));
        var result = new StalledResult(without, with, control, burstResult, options.Stalled, rssAfterControl, rssBefore, rssAfterBurst,
            ProcStats.RssBytes(gateway.SocketPids), await healthy.ClosedAsync());
        say($"  stalled: healthy p99 {without.P99Ms:F1} -> {with.P99Ms:F1} ms; RSS after the control burst {rssAfterControl / 1048576}, with stalled {rssBefore / 1048576} -> {rssAfterBurst / 1048576} -> {result.RssEndBytes / 1048576} MiB; {result.HealthyClosed} healthy closed");
        return result;
    }

    /// <summary>Runs a fixed-rate phase <paramref name="repeats"/> times; the repeat with the median p99 stands for all (lost counts are summed).</summary>
    private static async Task<PhaseResult> MedianAsync(int repeats, Func<Task<PhaseResult>> measure)
    {
        var runs = new List<PhaseResult>();
        for (var i = 0; i < Math.Max(1, repeats); i++) runs.Add(await measure());
        var median = runs.OrderBy(r => r.P99Ms).ElementAt(runs.Count / 2);
        return median with { Lost = runs.Sum(r => r.Lost), Phase = runs.Count > 1 ? $"{median.Phase} (median p99 of {runs.Count})" : median.Phase };
    }
}