using System.Diagnostics;
using System.Net;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>One tenant's burst of writes must neither fail nor hold back another tenant's updates.</summary>
/// <remarks>
/// Nothing is shared between tenants on the data path: each user and group grain sends its own events to the
/// gateways watching it (no shared queue that a burst could fill), so the quiet tenant's writes only share CPU.
/// </remarks>
[Collection(ClusterCollection.Name)]
public sealed class TenantIsolationTests(Azurite storage, ITestOutputHelper output)
{
    private const int NoisyUsers = 100;
    private const int BurstWrites = 3_000;
    private const int BurstConcurrency = 64;
    private static readonly TimeSpan QuietBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ABurstOnOneTenant_NeitherFailsNorDelaysAnotherTenantsUpdates()
    {
        await using var grid = new GridCluster(storage, output);
        grid.ExtraArgs.Add("--Limits:MaxConnectionsPerUser=200");
        try
        {
            await grid.StartAsync(silos: 2, gateways: 1);
            var noisy = grid.Api($"org-noisy-{Guid.NewGuid():N}");
            var quiet = grid.Api($"org-quiet-{Guid.NewGuid():N}");
            await noisy.CreateTenantAsync(NoisyUsers, new Dictionary<string, string[]> { ["all"] = [.. Enumerable.Range(1, NoisyUsers).Select(i => $"u{i}")] });
            await quiet.CreateTenantAsync(2, new Dictionary<string, string[]> { ["team"] = ["u1", "u2"] });

            // The noisy tenant is watched too, so its burst is fanned out as well as stored.
            var quietDeliveries = new DeliveryLog();
            await using var noisyWatcher = new ViewSubscriber(noisy, isUser: false, "all", 0);
            await using var quietUser = new ViewSubscriber(quiet, isUser: true, "u1", 0, quietDeliveries);
            await using var quietTeam = new ViewSubscriber(quiet, isUser: false, "team", 0);
            foreach (var s in new[] { noisyWatcher, quietUser, quietTeam }) s.Start();
            await Poll.UntilAsync(() => noisyWatcher.HasSnapshot && quietUser.HasSnapshot && quietTeam.HasSnapshot, TimeSpan.FromSeconds(30), "the snapshots");

            var burstStarted = Stopwatch.GetTimestamp();
            var noisyFailures = 0;
            var next = -1;
            var burst = Task.WhenAll(Enumerable.Range(0, BurstConcurrency).Select(_ => Task.Run(async () =>
            {
                for (var n = Interlocked.Increment(ref next); n < BurstWrites; n = Interlocked.Increment(ref next))
                {
                    var (status, _) = await noisy.SendAsync(0, HttpMethod.Put, $"{noisy.UserPath($"u{n % NoisyUsers + 1}")}/presence",
                        new { status = n % 2 == 0 ? "busy" : "available", statusMessage = $"burst {n}" });
                    if (status != HttpStatusCode.OK) Interlocked.Increment(ref noisyFailures);
                }
            })));

            // The quiet tenant writes at its own pace while the burst runs.
            var quietWrites = 0;
            var quietFailures = new List<string>();
            while (!burst.IsCompleted && quietWrites < 40)
            {
                var message = $"quiet {quietWrites++}";
                quietDeliveries.Sending(message);
                var (status, body) = await quiet.SendAsync(0, HttpMethod.Put, $"{quiet.UserPath("u1")}/presence",
                    new { status = quietWrites % 2 == 0 ? "dnd" : "away", statusMessage = message });
                if (status != HttpStatusCode.OK) quietFailures.Add($"{message}: {status} {body}");
                await Task.Delay(100);
            }
            var burstTook = await BurstTimeAsync(burst, burstStarted);
            var lastQuiet = $"quiet {quietWrites - 1}";
            await Poll.UntilAsync(() => quietUser.SawLive(lastQuiet), TimeSpan.FromSeconds(10), "the quiet tenant's last update");

            var latencies = quietDeliveries.Latencies();
            output.WriteLine($"[isolation] noisy burst: {BurstWrites} writes by {BurstConcurrency} writers in {burstTook.TotalSeconds:F1} s " +
                $"({BurstWrites / burstTook.TotalSeconds:F0} writes/s), {noisyFailures} not acknowledged; quiet tenant: {quietWrites} writes during it, " +
                $"{quietFailures.Count} failed, write-to-frame {DeliveryLog.Summary(latencies)}");

            Assert.True(quietWrites >= 5, $"the burst ended after only {quietWrites} quiet writes: make it longer");
            Assert.Empty(quietFailures);
            var missed = Enumerable.Range(0, quietWrites).Select(i => $"quiet {i}").Where(m => !quietUser.SawLive(m)).ToList();
            Assert.Empty(missed); // every quiet change arrived live, none only through a resync
            Assert.True(latencies[^1] <= QuietBound.TotalMilliseconds, $"a quiet update took {latencies[^1]:F0} ms during the burst");
            await Poll.UntilAsync(async () => quietTeam.View == TopicView.OfGroup(await quiet.GetGroupAsync("team")), TimeSpan.FromSeconds(10), "the quiet team's view to equal the truth");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    private static async Task<TimeSpan> BurstTimeAsync(Task burst, long started)
    {
        await burst.WaitAsync(TimeSpan.FromMinutes(3));
        return Stopwatch.GetElapsedTime(started);
    }
}
