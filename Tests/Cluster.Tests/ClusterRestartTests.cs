using System.Diagnostics;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>Grain state lives in Azure Table storage: it outlives every process of the grid.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRestartTests(Azurite storage, ITestOutputHelper output)
{
    [Fact]
    public async Task FullClusterRestart_PresenceReadBackEqualsWhatWasWritten()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 2, gateways: 1);
            var api = grid.Api($"org-{Guid.NewGuid():N}");
            await api.CreateTenantAsync(4, new Dictionary<string, string[]> { ["g1"] = ["u1", "u2", "u3", "u4"] });
            string[] statuses = ["available", "busy", "dnd", "away"];
            for (var i = 1; i <= 4; i++) await api.SetPresenceAsync($"u{i}", statuses[i - 1], $"before restart {i}");
            var users = new List<TopicView>();
            for (var i = 1; i <= 4; i++) users.Add(TopicView.OfUser(await api.GetUserAsync($"u{i}")));
            var group = TopicView.OfGroup(await api.GetGroupAsync("g1"));

            await grid.StopAllAsync();
            Assert.All(grid.Silos.Concat(grid.Gateways), n => Assert.False(n.IsRunning));
            var restarting = Stopwatch.GetTimestamp();
            await grid.StartAllAsync();
            var restarted = Stopwatch.GetElapsedTime(restarting);

            for (var i = 1; i <= 4; i++)
            {
                var after = TopicView.OfUser(await api.GetUserAsync($"u{i}"));
                Assert.Equal(users[i - 1].Fingerprint, after.Fingerprint);
                Assert.Equal($"{statuses[i - 1]}|before restart {i}", after.Fingerprint);
            }
            Assert.Equal(group.Fingerprint, TopicView.OfGroup(await api.GetGroupAsync("g1")).Fingerprint);
            output.WriteLine($"[full restart] 2 silos + 1 gateway ready again {restarted.TotalMilliseconds:F0} ms after start");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    [Fact]
    public async Task AllSilosGone_RestAnswers503_SocketsStayOpen_ThenRecover()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 1, gateways: 1);
            var api = grid.Api($"org-{Guid.NewGuid():N}");
            await api.CreateTenantAsync(2, new Dictionary<string, string[]> { ["g1"] = ["u1", "u2"] });
            await using var subscriber = new ViewSubscriber(api, isUser: true, "u1", gateway: 0);
            subscriber.Start();
            await Poll.UntilAsync(() => subscriber.HasSnapshot, TimeSpan.FromSeconds(20), "the first snapshot");

            await grid.Silos[0].KillAsync();
            var goneAt = Stopwatch.GetTimestamp();
            System.Text.Json.Nodes.JsonObject? problem = null;
            await Poll.UntilAsync(async () =>
            {
                var (status, body) = await api.SendAsync(0, HttpMethod.Put, $"{api.UserPath("u1")}/presence", new { status = "busy" });
                problem = body;
                return status == System.Net.HttpStatusCode.ServiceUnavailable;
            }, TimeSpan.FromSeconds(30), "REST to answer 503", intervalMs: 200);
            var unavailableAfter = Stopwatch.GetElapsedTime(goneAt);
            Assert.Equal(503, (int)problem!["status"]!);
            Assert.Empty(subscriber.CloseCodes);

            var returning = Stopwatch.GetTimestamp();
            grid.Silos[0].Start();
            await grid.Silos[0].WaitReadyAsync(GridCluster.StartTimeout);
            await grid.Gateways[0].WaitReadyAsync(TimeSpan.FromSeconds(30));
            await api.SetPresenceAsync("u1", "dnd", "after the outage");
            await Poll.UntilAsync(() => subscriber.View?.Fingerprint == "dnd|after the outage", TimeSpan.FromSeconds(20), "the socket to see a write after the outage");
            Assert.Empty(subscriber.CloseCodes);
            output.WriteLine($"[grid outage] REST 503 {unavailableAfter.TotalMilliseconds:F0} ms after the only silo died; socket stayed open; updates flowed again {Stopwatch.GetElapsedTime(returning).TotalMilliseconds:F0} ms after the silo was restarted");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }
}
