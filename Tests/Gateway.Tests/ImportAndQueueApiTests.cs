using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Bulk imports as jobs (200 when quick, 202 and a job resource otherwise), queue departures with reasons, and the queue's max wait.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ImportAndQueueApiTests(GatewayHost host)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static object Directory(int users, int groups) => new
    {
        users = Enumerable.Range(1, users).Select(i => new { userId = $"a{i}", displayName = $"Agent {i}" }).ToArray(),
        groups = Enumerable.Range(1, groups).Select(g => new { groupId = $"team-{g}", groupName = $"Team {g}", members = Enumerable.Range(1, users).Where(i => i % groups == g - 1).Select(i => $"a{i}").ToArray() }).ToArray(),
    };

    private static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        var response = await http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), response);
    }

    [Fact]
    public async Task Import_RespondAsync_Answers202WithALocation_ThatReportsProgressUntilItSucceeded()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/organisation/{tenant.OrgId}/directory") { Content = JsonContent.Create(Directory(1_200, 3)) };
        request.Headers.Add("Prefer", "respond-async");

        var (status, accepted, response) = await SendAsync(tenant.Http, request);

        Assert.Equal(HttpStatusCode.Accepted, status);
        var location = response.Headers.Location!.ToString();
        Assert.Matches($"^/organisation/{tenant.OrgId}/directory/imports/[0-9a-f]{{32}}$", location);
        Assert.Equal(location, $"/organisation/{tenant.OrgId}/directory/imports/{(string)accepted["jobId"]!}");
        Assert.Contains((string)accepted["state"]!, new[] { "validating", "running", "succeeded" });
        Assert.Equal(1_200, (int)accepted["users"]!["total"]!);
        JsonObject job = accepted;
        await Poll.UntilAsync(async () => (string)(job = await tenant.GetAsync(location))["state"]! == "succeeded", Bound, () => $"the import to succeed: {job.ToJsonString()}");
        Assert.Equal((1_200, 1_200), ((int)job["users"]!["done"]!, (int)job["users"]!["total"]!));
        Assert.Equal((3, 3), ((int)job["groups"]!["done"]!, (int)job["groups"]!["total"]!));
        Assert.Equal(1_200, (int)job["memberships"]!);
        Assert.NotNull((string?)job["finishedAt"]);
        Assert.Empty(job["errors"]!.AsArray());
        var team = await tenant.GetAsync(tenant.GroupPath("team-2"));
        Assert.Equal(400, (int)team["data"]!["summary"]!["totalMembers"]!);
    }

    [Fact]
    public async Task Import_Small_Answers200AtOnce_WithTheJobAsContentLocation()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);

        var response = await tenant.Http.PutAsJsonAsync($"/organisation/{tenant.OrgId}/directory", Directory(20, 2));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"users":20,"groups":2,"memberships":20}""", await response.Content.ReadAsStringAsync());
        var job = await tenant.GetAsync(response.Content.Headers.ContentLocation!.ToString());
        Assert.Equal("succeeded", (string)job["state"]!);
    }

    [Fact]
    public async Task ImportJob_UnknownOrMalformed_404Or400()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);

        var unknown = await tenant.Http.GetAsync($"/organisation/{tenant.OrgId}/directory/imports/{Guid.NewGuid():N}");
        var malformed = await tenant.Http.GetAsync($"/organisation/{tenant.OrgId}/directory/imports/not-a-job");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Dequeue_WithReason_ThenAgain_AnswersTheOriginalDeparture()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        var calls = $"{tenant.GroupPath("g1")}/queue/calls";
        await tenant.PostAsync(calls, new { callId = "q-7" });

        var first = await tenant.Http.DeleteAsync($"{calls}/q-7?reason=abandoned");
        var again = await tenant.Http.DeleteAsync($"{calls}/q-7?reason=answered");
        var bad = await tenant.Http.DeleteAsync($"{calls}/q-7?reason=expired");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var a = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var b = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
        Assert.Equal("abandoned", (string)b["departure"]!["reason"]!);
        Assert.True((bool)b["repeated"]!);
        Assert.True(JsonNode.DeepEquals(a["departure"], b["departure"]));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task OrganisationSettings_MaxQueueWait_RoundTripsWithADefault_AndIsValidated()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);
        var org = $"/organisation/{tenant.OrgId}";

        Assert.Equal(3600, (int)(await tenant.GetAsync(org))["settings"]!["maxQueueWaitSeconds"]!);
        var set = await tenant.PutAsync(org, new { name = "Test Org", settings = new { maxConnections = 7, maxQueueWaitSeconds = 600 } });
        var invalid = await tenant.Http.PutAsJsonAsync(org, new { name = "Test Org", settings = new { maxQueueWaitSeconds = 5 } });

        Assert.Equal(600, (int)set["settings"]!["maxQueueWaitSeconds"]!);
        Assert.Equal(7, (int)set["settings"]!["maxConnections"]!);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(600, (int)(await tenant.GetAsync(org))["settings"]!["maxQueueWaitSeconds"]!);
    }
}
