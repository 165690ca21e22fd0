using System.Diagnostics;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>Three silos, two gateways, subscribers on both, steady REST traffic: a silo dies or every silo restarts in turn.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloFailoverTests(Azurite storage, ITestOutputHelper output)
{
    [Fact]
    public async Task KillOneOfThreeSilos_SubscribersStayConnected_AndEndWithTheTruth()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 3, gateways: 2);
            await using var scenario = await PresenceScenario.StartAsync(grid, output);
            var start = Stopwatch.GetTimestamp();
            scenario.Traffic.Start(TimeSpan.FromSeconds(90));
            await scenario.WaitForAcksAsync(60, start, TimeSpan.FromSeconds(40));

            var before = scenario.LiveUpdateCounts();
            var killedAt = Stopwatch.GetTimestamp();
            await grid.Silos[1].KillAsync();
            await scenario.WaitForAcksAsync(60, killedAt, TimeSpan.FromSeconds(60));
            await scenario.WaitForLiveUpdatesAsync(before, TimeSpan.FromSeconds(30));
            var flowing = Stopwatch.GetElapsedTime(killedAt);
            var stoppedAt = Stopwatch.GetTimestamp();
            var converged = await scenario.StopAndVerifyAsync();

            Assert.All(scenario.Subscribers, s => Assert.Empty(s.CloseCodes)); // no socket was dropped
            var steady = scenario.LiveFramesMissed(start, killedAt);
            var afterKill = scenario.LiveFramesMissed(killedAt, stoppedAt);
            output.WriteLine($"[silo kill] acked={scenario.Traffic.Acked} failedAttempts={scenario.Traffic.FailedAttempts}");
            output.WriteLine($"  first write started after the kill acked in {scenario.Traffic.FirstFreshAckAfter(killedAt)?.TotalMilliseconds:F0} ms; longest write after the kill {scenario.Traffic.LongestWrite(killedAt).TotalMilliseconds:F0} ms");
            output.WriteLine($"  every subscriber had live updates again {flowing.TotalMilliseconds:F0} ms after the kill; views equal the truth {converged.TotalMilliseconds:F0} ms after traffic stopped");
            output.WriteLine($"  write-to-frame latency before the kill: {DeliveryLog.Summary(scenario.Deliveries.Latencies(start, killedAt))}");
            output.WriteLine($"  write-to-frame latency after the kill:  {DeliveryLog.Summary(scenario.Deliveries.Latencies(killedAt))}");
            output.WriteLine($"  live frames missed (repaired by resync): before {steady.Missed}/{steady.Expected}, after the kill {afterKill.Missed}/{afterKill.Expected}");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    [Fact]
    public async Task RollingRestartOfEverySilo_SubscribersStayConnected_AndEndWithTheTruth()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 3, gateways: 2);
            await using var scenario = await PresenceScenario.StartAsync(grid, output);
            var start = Stopwatch.GetTimestamp();
            scenario.Traffic.Start(TimeSpan.FromSeconds(150));
            await scenario.WaitForAcksAsync(30, start, TimeSpan.FromSeconds(30));

            foreach (var silo in grid.Silos)
            {
                var stopping = Stopwatch.GetTimestamp();
                await silo.StopAsync(TimeSpan.FromSeconds(30));
                var stopped = Stopwatch.GetElapsedTime(stopping);
                if (stopped > TimeSpan.FromSeconds(10)) output.WriteLine(silo.Process!.Tail()); // why the graceful stop was slow
                silo.Start();
                await silo.WaitReadyAsync(GridCluster.StartTimeout);
                var restarted = Stopwatch.GetElapsedTime(stopping);
                var back = Stopwatch.GetTimestamp();
                await scenario.WaitForAcksAsync(20, back, TimeSpan.FromSeconds(30));
                var longestWrite = scenario.Traffic.LongestWrite(stopping);
                output.WriteLine($"[rolling restart] {silo.Name}: graceful stop {stopped.TotalMilliseconds:F0} ms, ready again {restarted.TotalMilliseconds:F0} ms after SIGTERM; longest write meanwhile {longestWrite.TotalMilliseconds:F0} ms");
                // A stop that runs into the 15 s shutdown timeout, or a write held for a 30 s response timeout, means grains
                // blocked each other while deactivating (see GroupMemberReader.MemberReadTimeout): not a zero-downtime upgrade.
                Assert.True(stopped < TimeSpan.FromSeconds(12), $"{silo.Name} took {stopped} to stop gracefully");
                Assert.True(longestWrite < TimeSpan.FromSeconds(10), $"a write took {longestWrite} during the restart of {silo.Name}");
            }
            var before = scenario.LiveUpdateCounts();
            await scenario.WaitForLiveUpdatesAsync(before, TimeSpan.FromSeconds(30));
            var converged = await scenario.StopAndVerifyAsync();

            Assert.All(scenario.Subscribers, s => Assert.Empty(s.CloseCodes));
            output.WriteLine($"[rolling restart] acked={scenario.Traffic.Acked} failedAttempts={scenario.Traffic.FailedAttempts}; views equal the truth {converged.TotalMilliseconds:F0} ms after traffic stopped");
            output.WriteLine($"  write-to-frame latency: {DeliveryLog.Summary(scenario.Deliveries.Latencies(start))}");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }
}
