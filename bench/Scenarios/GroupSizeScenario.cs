using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>
/// Group size must not matter: the same member changes in a 10-member and a 10,000-member group (10 subscribers
/// each, 10 changes/s), compared on REST write time (the grain's work), frame bytes, delivery latency and server CPU.
/// </summary>
public sealed class GroupSizeScenario(BenchEnvironment env, Action<string> say)
{
    public async Task<List<PhaseResult>> RunAsync(BenchOptions options)
    {
        var large = options.Smoke ? 500 : 10_000;
        var results = new List<PhaseResult>();
        await using var gateway = GatewaySystem.Embedded(env);
        await gateway.StartAsync();
        var smallMembers = Enumerable.Range(large, 10).ToArray();
        var largeMembers = Enumerable.Range(0, large).ToArray();
        await gateway.ProvisionAsync(new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], large + 10, [("small", smallMembers), ("large", largeMembers)]));
        var writes = options.Smoke ? 10 : 50;
        var frames = options.Repeats * writes + 4;
        await using var smallFleet = await SubscriberFleet.StartAsync(gateway, "small", 10, false, firstId: 0, frames);
        await using var largeFleet = await SubscriberFleet.StartAsync(gateway, "large", 10, false, firstId: 1000, frames);
        var fanOut = new FanOutScenario(env, say);
        var smallDriver = new WriteDriver(gateway, "small", smallMembers);
        var largeDriver = new WriteDriver(gateway, "large", largeMembers[..10]); // the same kind of change, in the big group
        await smallFleet.DumpAsync(env.LogDirectory);
        await largeFleet.DumpAsync(env.LogDirectory);
        for (var r = 0; r < options.Repeats; r++)
        {
            results.Add(await fanOut.MeasureAsync(gateway, smallFleet, "group of 10", 10, () => smallDriver.FixedRateAsync(10, writes)));
            results.Add(await fanOut.MeasureAsync(gateway, largeFleet, $"group of {large}", 10, () => largeDriver.FixedRateAsync(10, writes)));
        }
        return results;
    }
}
