using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>REST writes are admitted per organisation: a burst beyond its share is refused with 429, another organisation is not.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TenantWriteLimitTests(GatewayHost host)
{
    [Fact]
    public async Task ABurstBeyondAnOrganisationsShare_Gets429WithAnExplanation_WhileAnotherOrganisationsWritesAllSucceed()
    {
        // One write in flight and none queued per organisation on this gateway, so a burst must overflow.
        var gateway = await host.StartSecondGatewayAsync("--Limits:MaxConcurrentWritesPerOrg=1", "--Limits:QueuedWritesPerOrg=0");
        var noisy = await TestTenant.CreateAsync(host, users: 5, withGroup: false);
        var quiet = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var noisyHttp = gateway.HttpFor(noisy.OrgId, "admin", "system");
        var quietHttp = gateway.HttpFor(quiet.OrgId, "admin", "system");

        var burst = Enumerable.Range(0, 40).Select(i => noisyHttp.PutAsJsonAsync($"{noisy.UserPath($"u{i % 5 + 1}")}/presence", new { status = i % 2 == 0 ? "busy" : "away" })).ToList();
        var quietWrites = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            quietWrites.Add(await quietHttp.PutAsJsonAsync($"{quiet.UserPath("u1")}/presence", new { status = i % 2 == 0 ? "dnd" : "available" }));
        }
        var noisyAnswers = await Task.WhenAll(burst);

        Assert.All(quietWrites, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var refused = noisyAnswers.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(noisyAnswers, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        var problem = (await refused[0].Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("application/problem+json", refused[0].Content.Headers.ContentType?.MediaType);
        Assert.Contains("Limits:MaxConcurrentWritesPerOrg", (string?)problem["detail"]);
        Assert.InRange(int.Parse(refused[0].Headers.GetValues("Retry-After").Single()), 1, 5);
    }
}
