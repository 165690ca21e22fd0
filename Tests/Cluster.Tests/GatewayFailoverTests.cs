using System.Diagnostics;
using System.Net;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>Two gateways in front of two silos: one gateway dies (kill -9) or drains (SIGTERM).</summary>
[Collection(ClusterCollection.Name)]
public sealed class GatewayFailoverTests(Azurite storage, ITestOutputHelper output)
{
    [Fact]
    public async Task KilledGateway_ItsClientsReconnectToTheOther_AndResyncFromSnapshot()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 2, gateways: 2);
            await using var scenario = await PresenceScenario.StartAsync(grid, output);
            var start = Stopwatch.GetTimestamp();
            scenario.Traffic.Start(TimeSpan.FromSeconds(90));
            await scenario.WaitForAcksAsync(40, start, TimeSpan.FromSeconds(30));

            var orphans = scenario.Subscribers.Where(s => s.Gateway == 0).ToArray();
            var killedAt = Stopwatch.GetTimestamp();
            await grid.Gateways[0].KillAsync();
            await Poll.UntilAsync(() => orphans.All(s => s.Gateway == 1 && s.Reconnects.Count > 0), TimeSpan.FromSeconds(30),
                "the killed gateway's subscribers to resync on the other gateway");
            var allBack = Stopwatch.GetElapsedTime(killedAt);
            await scenario.WaitForAcksAsync(40, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
            var converged = await scenario.StopAndVerifyAsync();

            Assert.All(orphans, s => Assert.Contains(null, s.CloseCodes)); // the transport just ended: no close frame from a killed process
            Assert.All(scenario.Subscribers.Except(orphans), s => Assert.Empty(s.CloseCodes));
            var reconnects = orphans.SelectMany(s => s.Reconnects).Select(r => r.TotalMilliseconds).Order().ToArray();
            output.WriteLine($"[gateway kill] {orphans.Length} subscribers moved; reconnect+snapshot {DeliveryLog.Summary(reconnects)}; all back {allBack.TotalMilliseconds:F0} ms after the kill");
            output.WriteLine($"  longest write after the kill {scenario.Traffic.LongestWrite(killedAt).TotalMilliseconds:F0} ms; views equal the truth {converged.TotalMilliseconds:F0} ms after traffic stopped; acked={scenario.Traffic.Acked}");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    [Fact]
    public async Task SigtermOnAGateway_TurnsNotReady_ClosesSocketsWith1012AndAHint_ThenExits()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 1, gateways: 2);
            var api = grid.Api($"org-{Guid.NewGuid():N}");
            await api.CreateTenantAsync(2, new Dictionary<string, string[]> { ["g1"] = ["u1", "u2"] });
            await using var subscriber = new ViewSubscriber(api, isUser: false, "g1", gateway: 0);
            subscriber.Start();
            await Poll.UntilAsync(() => subscriber.HasSnapshot, TimeSpan.FromSeconds(20), "the first snapshot");

            var draining = grid.Gateways[0];
            var termAt = Stopwatch.GetTimestamp();
            draining.Process!.Terminate();
            await Poll.UntilAsync(async () => await draining.HealthAsync("ready") == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(5), "/health/ready to answer 503 while draining", intervalMs: 20);
            Assert.Equal(HttpStatusCode.OK, await draining.HealthAsync("live"));
            await Poll.UntilAsync(() => subscriber.CloseCodes.Contains(1012), TimeSpan.FromSeconds(5), "close 1012");
            var closedAfter = Stopwatch.GetElapsedTime(termAt);

            var error = Assert.Single(subscriber.Errors);
            Assert.Equal(1012, (int)error["code"]!);
            Assert.Equal("SERVICE_RESTART", (string?)error["message"]);
            var hint = (int)error["reconnectAfterMs"]!;
            Assert.InRange(hint, 0, 500);
            Assert.True(await draining.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the gateway exits after draining");
            var exitedAfter = Stopwatch.GetElapsedTime(termAt);
            // A graceful stop is not an incident: no lost-connection warning, no failed service, no critical line. (The
            // health-check service logs the draining readiness check as Unhealthy at error level: that one is expected.)
            foreach (var alarm in new[] { "Cluster connection lost", "BackgroundService failed", "crit:" })
            {
                Assert.False(draining.Process.Said(alarm), $"the gateway said \"{alarm}\" on a graceful stop:\n{draining.Process.Tail()}");
            }
            await Poll.UntilAsync(() => subscriber.Gateway == 1 && subscriber.Reconnects.Count == 1, TimeSpan.FromSeconds(15), "the reconnect to the other gateway");
            output.WriteLine($"[gateway SIGTERM] socket closed with 1012 {closedAfter.TotalMilliseconds:F0} ms after SIGTERM (hint {hint} ms); process exited after {exitedAfter.TotalMilliseconds:F0} ms; reconnect+snapshot {subscriber.Reconnects[0].TotalMilliseconds:F0} ms");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }
}
