using System.Diagnostics;
using System.Text.Json;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>Presence writes per second of one system with subscribers on every group, and whether every write arrived and was stored.</summary>
public sealed record WritesFanOutResult(string System, int Subscribers, int Writes, int Failed, double PerSecond, double P50Ms, double P99Ms,
    double ServerCpuMicrosPerWrite, long ExpectedDeliveries, long Delivered, int StaleMembers);

/// <summary>
/// REST presence writes with fan-out: 1,024 users, 32 groups of 64 (every user in two groups), subscribers on every
/// group, 32 writers in a closed loop. The gateway (one process, embedded silo) against the Redis peer, which does the
/// same job the way a user might build it (store the user, update each group's hash, publish to each group's channel).
/// Counts what must hold for both: every acknowledged write reaches every subscriber of both its groups, and every
/// group as served by the system's REST read holds each member's last acknowledged status.
/// </summary>
public sealed class WritesFanOutScenario(BenchEnvironment env, Action<string> say)
{
    private const int Writers = 32;
    private const int Users = 1024;
    private const int GroupCount = 32;

    public static TenantPlan Tenant() => new($"bench-{Guid.NewGuid():N}"[..20], Users,
        [.. Enumerable.Range(0, GroupCount).Select(g => ($"wf{g}",
            Enumerable.Range(0, Users).Where(u => u / GroupCount == g || (u / GroupCount + GroupCount / 2) % GroupCount == g).ToArray()))]);

    public async Task<List<WritesFanOutResult>> RunAsync(BenchOptions options, IReadOnlyList<string> systems)
    {
        var results = new List<WritesFanOutResult>();
        for (var r = 0; r < options.Repeats; r++)
        {
            foreach (var name in systems)
            {
                ISystemUnderTest system = name == "redis-peer" ? new RedisPeerSystem(env) : GatewaySystem.Embedded(env);
                await using var _ = system;
                results.Add(await MeasureAsync(system, options));
            }
        }
        return results;
    }

    private async Task<WritesFanOutResult> MeasureAsync(ISystemUnderTest system, BenchOptions options)
    {
        await system.StartAsync();
        var tenant = Tenant();
        await system.ProvisionAsync(tenant);
        var subscribers = GroupCount * options.WriteSubscribersPerGroup;
        var topics = string.Join(',', tenant.Groups.Select(g => g.GroupId));
        await using var fleet = await SubscriberFleet.StartAsync(system, SubscriberProcessSpec.TopicMark, subscribers, stall: false,
            firstId: 0, framesPerSocket: 0, withProbe: false, topics: topics);
        if (fleet.Failed > 0) throw new InvalidOperationException($"{system.Name}: {fleet.Failed} subscribers failed to connect");
        var baseline = await fleet.TotalAsync(); // the snapshots

        var last = new int[Users]; // the last acknowledged status of each user (-1: none)
        Array.Fill(last, -1);
        var okWrites = 0L;
        var writesTo = new int[Users]; // each user is written by one writer only: no race on its counter
        async Task<WriteResult> Write(int user)
        {
            var status = (byte)(writesTo[user]++ % 2); // available, busy, available, ...: every write a change
            var result = await system.WriteAsync("", user, status);
            if (result.Ok)
            {
                Volatile.Write(ref last[user], status);
                Interlocked.Increment(ref okWrites);
            }
            return result;
        }

        // Warm-up, unreported, as long as the phase (tiered JIT, activations, pools): see WritesScenario.
        await ClosedLoopAsync(Write, TimeSpan.FromSeconds(Math.Min(options.WriteSeconds, 10)), (_, _) => { });
        var latencies = new List<long>[Writers];
        for (var w = 0; w < Writers; w++) latencies[w] = [];
        var failed = 0;
        var cpu = ProcStats.CpuMicros(system.ServerPids);
        var clock = Stopwatch.StartNew();
        await ClosedLoopAsync(Write, TimeSpan.FromSeconds(options.WriteSeconds), (w, result) =>
        {
            if (result.Ok) latencies[w].Add(result.AnsweredTicks - result.SentTicks);
            else Interlocked.Increment(ref failed);
        });
        var elapsed = clock.Elapsed.TotalSeconds;
        cpu = ProcStats.CpuMicros(system.ServerPids) - cpu;

        // Every acknowledged write goes to both groups of its user, each watched by the same number of sockets.
        var expected = baseline + Interlocked.Read(ref okWrites) * 2 * options.WriteSubscribersPerGroup;
        await fleet.WaitForTotalAsync(expected, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5));
        var delivered = await fleet.TotalAsync();
        var stale = await StaleMembersAsync(system, tenant, last);

        var all = latencies.SelectMany(l => l).Order().ToList();
        var result = new WritesFanOutResult(system.Name, subscribers, all.Count + failed, failed, all.Count / elapsed,
            PhaseAnalysis.Ms(PhaseAnalysis.Percentile(all, 0.5)), PhaseAnalysis.Ms(PhaseAnalysis.Percentile(all, 0.99)),
            all.Count == 0 ? double.NaN : cpu / (double)all.Count, expected - baseline, delivered - baseline, stale);
        say($"  writes+fan-out {system.Name}: {result.PerSecond:F0}/s, p50 {result.P50Ms:F2} p99 {result.P99Ms:F2} ms, {failed} failed, " +
            $"server {result.ServerCpuMicrosPerWrite:F0} µs/write, delivered {result.Delivered}/{result.ExpectedDeliveries}, stale members {stale}");
        return result;
    }

    /// <summary>Members whose status in a group, as the system's REST read serves it, is not their last acknowledged write.</summary>
    private static async Task<int> StaleMembersAsync(ISystemUnderTest system, TenantPlan tenant, int[] last)
    {
        var stale = 0;
        foreach (var (groupId, members) in tenant.Groups)
        {
            Dictionary<string, string> statuses = system switch
            {
                RedisPeerSystem redis => await redis.GroupStatusesAsync(groupId),
                GatewaySystem gateway => (await gateway.GetGroupAsync(groupId)).GetProperty("data").GetProperty("members").EnumerateArray()
                    .ToDictionary(m => m.GetProperty("userId").GetString()!, m => m.GetProperty("status").GetString()!),
                _ => throw new NotSupportedException(system.Name),
            };
            foreach (var m in members)
            {
                if (last[m] >= 0 && statuses.GetValueOrDefault($"u{m}") != FrameHeader.Statuses[last[m]]) stale++;
            }
        }
        return stale;
    }

    /// <summary>Writers each writing their next user as soon as their last write is answered (writer w owns users w, w+32, ...).</summary>
    private static Task ClosedLoopAsync(Func<int, Task<WriteResult>> write, TimeSpan duration, Action<int, WriteResult> answered)
    {
        var clock = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < duration; i++) answered(w, await write(w + i % (Users / Writers) * Writers));
        })));
    }
}
