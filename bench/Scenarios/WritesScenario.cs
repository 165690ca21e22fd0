using System.Diagnostics;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>REST write throughput of one system (no subscribers).</summary>
public sealed record WritesResult(string System, int Writes, int Failed, double PerSecond, double P50Ms, double P99Ms, double ServerCpuMicrosPerWrite);

/// <summary>
/// Presence writes through the REST API, closed-loop with 32 concurrent writers for a fixed time, against the
/// gateway (one silo) and against the Kestrel peer's no-work endpoint (the ceiling on this machine).
/// </summary>
public sealed class WritesScenario(BenchEnvironment env, Action<string> say)
{
    private const int Writers = 32;
    private const int Users = 1024;

    public async Task<List<WritesResult>> RunAsync(BenchOptions options)
    {
        var results = new List<WritesResult>();
        for (var r = 0; r < options.Repeats; r++)
        {
            {
                await using var gateway = GatewaySystem.Embedded(env);
                await gateway.StartAsync();
                var groups = Enumerable.Range(0, Users / 32).Select(g => ($"w{g}", Enumerable.Range(g * 32, 32).ToArray())).ToList();
                await gateway.ProvisionAsync(new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], Users, groups));
                results.Add(await MeasureAsync(gateway.Name, gateway.ServerPids, options.WriteSeconds,
                    (user, status) => gateway.WriteAsync("", user, status)));
            }
            {
                await using var peer = new KestrelPeerSystem(env);
                await peer.StartAsync();
                results.Add(await MeasureAsync("kestrel-noop", peer.ServerPids, options.WriteSeconds, peer.NoopWriteAsync));
            }
        }
        return results;
    }

    private async Task<WritesResult> MeasureAsync(string name, int[] pids, int seconds, Func<int, byte, Task<WriteResult>> write)
    {
        // Warm-up, unreported: every user once (grain activations, connection pool), then the measured load itself for
        // as long as the measurement (at most 10 s), so tiered JIT has promoted the hot path. Without the second part a
        // 10 s phase measured mostly tier-0 code: 3,000 writes/s where a 40 s phase gave 10,500 (runs of 17:5x).
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async w =>
        {
            for (var user = w; user < Users; user += Writers) await write(user, 1);
        }));
        await ClosedLoopAsync(write, TimeSpan.FromSeconds(Math.Min(seconds, 10)), (_, _) => { });
        var latencies = new List<long>[Writers];
        for (var w = 0; w < Writers; w++) latencies[w] = [];
        var failed = 0;
        var cpu = ProcStats.CpuMicros(pids);
        var clock = Stopwatch.StartNew();
        await ClosedLoopAsync(write, TimeSpan.FromSeconds(seconds), (w, result) =>
        {
            if (result.Ok) latencies[w].Add(result.AnsweredTicks - result.SentTicks);
            else Interlocked.Increment(ref failed);
        });
        var elapsed = clock.Elapsed.TotalSeconds;
        cpu = ProcStats.CpuMicros(pids) - cpu;
        var all = latencies.SelectMany(l => l).Order().ToList();
        var result = new WritesResult(name, all.Count + failed, failed, all.Count / elapsed,
            PhaseAnalysis.Ms(PhaseAnalysis.Percentile(all, 0.5)), PhaseAnalysis.Ms(PhaseAnalysis.Percentile(all, 0.99)),
            all.Count == 0 ? double.NaN : cpu / (double)all.Count);
        say($"  writes {name}: {result.PerSecond:F0}/s, p50 {result.P50Ms:F2} p99 {result.P99Ms:F2} ms, {result.Failed} failed, server {result.ServerCpuMicrosPerWrite:F0} µs/write");
        return result;
    }

    /// <summary>Writers each writing the next user as soon as their last write is answered, until the time is up;
    /// statuses alternate so every write is a real change.</summary>
    private static Task ClosedLoopAsync(Func<int, byte, Task<WriteResult>> write, TimeSpan duration, Action<int, WriteResult> answered)
    {
        var clock = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                answered(w, await write((w + i * Writers) % Users, (byte)(i % 2)));
            }
        })));
    }
}
