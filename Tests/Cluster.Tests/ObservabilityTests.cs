using System.Net;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>
/// What operators scrape and probe: /metrics in Prometheus text and the three health endpoints, on both processes;
/// on the gateway only on its management port (Management:Urls), never on the public one.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ObservabilityTests(Azurite storage, ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task MetricsAndHealth_AreServedBySiloAndGateway_OnTheGatewaysManagementPortOnly()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 1, gateways: 1);
            var api = grid.Api($"org-{Guid.NewGuid():N}");
            await api.CreateTenantAsync(2, new Dictionary<string, string[]> { ["g1"] = ["u1", "u2"] });
            await using var user = new ViewSubscriber(api, isUser: true, "u1", gateway: 0);
            await using var group = new ViewSubscriber(api, isUser: false, "g1", gateway: 0);
            user.Start();
            group.Start();
            await Poll.UntilAsync(() => user.HasSnapshot && group.HasSnapshot, TimeSpan.FromSeconds(20), "both snapshots");
            await api.SetPresenceAsync("u1", "busy", "metrics");
            await Poll.UntilAsync(() => user.LiveUpdates > 0 && group.LiveUpdates > 0, TimeSpan.FromSeconds(20), "the live update");

            foreach (var node in new[] { grid.Silos[0], grid.Gateways[0] })
            {
                foreach (var probe in new[] { "live", "ready", "startup" }) Assert.Equal(HttpStatusCode.OK, await node.HealthAsync(probe));
            }

            var gatewayMetrics = await ScrapeAsync(grid.Gateways[0]);
            Assert.Contains("presence_gateway_subscriptions{otel_scope_name=\"FreedomCti.Presence.Gateway\",topic_kind=\"user\"} 1", gatewayMetrics);
            Assert.Contains("presence_gateway_subscriptions{otel_scope_name=\"FreedomCti.Presence.Gateway\",topic_kind=\"group\"} 1", gatewayMetrics);
            Assert.Contains("presence_gateway_send_queue_depth", gatewayMetrics);
            Assert.Contains("presence_gateway_event_latency", gatewayMetrics);
            Assert.Contains("presence_gateway_open_sockets", gatewayMetrics);
            // Counters without labels exist from the start at 0 (docs/operations.md, What to watch): nobody was slow here.
            Assert.Contains("presence_gateway_slow_consumers_closed_total{otel_scope_name=\"FreedomCti.Presence.Gateway\"} 0", gatewayMetrics);
            Assert.Contains("presence_gateway_duplicates_dropped_total", gatewayMetrics);
            Assert.Contains("presence_gateway_resyncs_total", gatewayMetrics);
            Assert.Contains("orleans_", gatewayMetrics);
            Assert.Contains("orleans_", await ScrapeAsync(grid.Silos[0]));

            // The public port (the one the Service and the ingress publish) serves neither; the management port nothing else.
            var gateway = grid.Gateways[0];
            Assert.NotEqual(gateway.Http, gateway.Management);
            foreach (var path in new[] { "/metrics", "/health/live", "/health/ready", "/health/startup" })
            {
                Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(gateway.Http, path))).StatusCode);
            }
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(gateway.Management, $"/organisation/{api.OrgId}"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(gateway.Management, "/wallboard"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(gateway.Http, "/wallboard"))).StatusCode);

            // Orleans' watchdog start race (Grains/Hosting/MembershipClock.cs) no longer reports a stalled participant check.
            foreach (var node in grid.Silos.Concat(grid.Gateways))
            {
                Assert.False(node.Process!.Said("Participant check thread"), node.Process.Tail());
            }
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    private static async Task<string> ScrapeAsync(GridNode node)
    {
        // The exporter caches a scrape briefly; poll until the instruments of this test's activity are in it.
        var text = "";
        await Poll.UntilAsync(async () =>
        {
            text = await Http.GetStringAsync(new Uri(node.Management, "/metrics"));
            return !node.Name.StartsWith("gateway", StringComparison.Ordinal) || text.Contains("presence_gateway_event_latency", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), () => $"{node.Name} /metrics to show the instruments:\n{text[..Math.Min(text.Length, 3000)]}", intervalMs: 500);
        return text;
    }
}
