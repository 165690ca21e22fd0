using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>
/// Resident memory per idle subscribed socket, repeated on fresh processes (issue 12 §2): per size and repeat, each
/// system starts, gets one group, takes N subscribers, idles, and is measured; no writes. The fan-out scenario measures
/// memory once per run; medians of 3 need three fresh processes, and comparing runtime settings
/// (<c>--gateway-variants</c>) needs them side by side against the same peer.
/// </summary>
public sealed class IdleMemoryScenario(Action<string> say)
{
    /// <summary>Idle after the last socket connected before the first reading (the fan-out scenario's 3 s).</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    /// <summary>Idle CPU window, after which RSS is read again (a GC that gives memory back late shows here).</summary>
    public static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    public async Task<List<MemoryResult>> RunAsync(BenchOptions options, IReadOnlyList<string> systems, Func<string, ISystemUnderTest> create)
    {
        var results = new List<MemoryResult>();
        foreach (var size in options.Sizes)
        {
            for (var r = 0; r < options.Repeats; r++)
            {
                // Rotate the order per repeat, so no system always follows the same neighbour on a shared machine.
                var order = systems.Skip(r % systems.Count).Concat(systems.Take(r % systems.Count));
                foreach (var name in order) results.Add(await MeasureAsync(create(name), size, options.Smoke) with { Repeat = r + 1 });
            }
        }
        return results;
    }

    private async Task<MemoryResult> MeasureAsync(ISystemUnderTest system, int size, bool smoke)
    {
        await using var _ = system;
        await system.StartAsync();
        var members = Enumerable.Range(0, 10).ToArray();
        await system.ProvisionAsync(new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], members.Length, [(FanOutScenario.GroupId, members)]));
        await Task.Delay(2000);
        var rssBefore = ProcStats.RssBytes(system.SocketPids);
        await using var fleet = await SubscriberFleet.StartAsync(system, FanOutScenario.GroupId, size, stall: false, firstId: 0, framesPerSocket: 4);
        await Task.Delay(smoke ? TimeSpan.FromSeconds(1) : Settle);
        var rssAfter = ProcStats.RssBytes(system.SocketPids);
        var cpu = ProcStats.CpuMicros(system.ServerPids);
        var window = smoke ? TimeSpan.FromSeconds(1) : IdleWindow;
        await Task.Delay(window);
        cpu = ProcStats.CpuMicros(system.ServerPids) - cpu;
        var result = new MemoryResult(system.Name, fleet.Connected, rssBefore, rssAfter, fleet.Failed, cpu / 1e6 / window.TotalSeconds)
        {
            RssSettledBytes = ProcStats.RssBytes(system.SocketPids),
            LoadAverage = LoadAverage.Now(),
        };
        say($"  idle memory {system.Name} {size}: {result.KiBPerSubscriber:F1} KiB/socket ({result.SettledKiBPerSubscriber:F1} after {window.TotalSeconds:F0} s more), " +
            $"RSS {rssBefore / 1048576} -> {rssAfter / 1048576} MiB, idle {result.IdleServerCores:F3} cores, {fleet.Failed} failed, load average {result.LoadAverage:F1}");
        return result;
    }
}
