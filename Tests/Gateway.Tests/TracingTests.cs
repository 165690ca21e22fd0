using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>One trace from the REST write, through the grain call, to the gateway's fan-out to sockets.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TracingTests(GatewayHost host)
{
    [Fact]
    public async Task PresenceWrite_FanOutSpan_JoinsTheWritersTrace()
    {
        var finished = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = finished.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var tenant = await TestTenant.CreateAsync(host, users: 1);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await socket.ReceiveAsync();

        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{tenant.UserPath("u1")}/presence") { Content = JsonContent.Create(new { status = "busy" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        (await tenant.Http.SendAsync(request)).EnsureSuccessStatusCode();
        Assert.Equal("member_presence_update", (string?)(await socket.ReceiveAsync())["type"]);

        await Poll.UntilAsync(() => finished.Any(a => a.OperationName == "presence.fanout" && a.TraceId == traceId),
            TimeSpan.FromSeconds(10), "a fan-out span in the writer's trace");
        var fanOuts = finished.Where(a => a.OperationName == "presence.fanout" && a.TraceId == traceId).ToList();
        Assert.Contains(fanOuts, a => (string?)a.GetTagItem("presence.topic") == $"group:{tenant.OrgId}/g1");
        Assert.Contains(finished, a => a.Source.Name.StartsWith("Microsoft.Orleans") && a.TraceId == traceId);
        Assert.Equal(GatewayTracing.SourceName, fanOuts[0].Source.Name);
    }
}
