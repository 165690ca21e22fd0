using System.Net;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// Health and metrics answer only on the management port (Management:Urls), which is not published; the public port
/// serves neither, whatever Host header a client sends, and the management port serves nothing else.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ManagementPortTests(GatewayHost host)
{
    private static readonly string[] ManagementPaths = ["/metrics", "/health/live", "/health/ready", "/health/startup"];

    [Fact]
    public async Task HealthAndMetrics_AreServedOnTheManagementPort_NotOnThePublicOne()
    {
        foreach (var path in ManagementPaths)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Management.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync(path)).StatusCode);

            // The split is by the port the connection arrived on: naming the management port in Host changes nothing.
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, path);
            spoofed.Headers.Host = host.ManagementAddress.Authority;
            Assert.Equal(HttpStatusCode.NotFound, (await host.Http.SendAsync(spoofed)).StatusCode);
        }
        Assert.Contains("presence_gateway_open_sockets", await host.Management.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task TheManagementPort_ServesNothingElse()
    {
        using var admin = new HttpClient { BaseAddress = host.ManagementAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", GatewayHost.Token("org-12345", "tester", "admin"));
        foreach (var path in new[] { "/organisation/org-12345", "/wallboard", "/client/index.js", "/openapi/v1.json", "/" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await host.HttpFor("org-12345").GetAsync("/organisation/org-12345")).StatusCode);
    }
}
