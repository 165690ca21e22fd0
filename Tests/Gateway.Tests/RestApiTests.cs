using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RestApiTests(GatewayHost host)
{
    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Theory]
    [InlineData("{\"status\":\"bogus\"}")]
    [InlineData("{\"status\":\"Available\"}")]
    [InlineData("{\"statusMessage\":\"no status\"}")]
    [InlineData("{\"status\":null}")]
    public async Task SetPresence_StatusOutsideTheSix_Is400_AndNothingChanges(string body)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await tenant.SetPresenceAsync("u1", "away");
        var before = await tenant.GetAsync(tenant.UserPath("u1"));

        var response = await tenant.Http.PutAsync($"{tenant.UserPath("u1")}/presence", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["status"]);
        var after = await tenant.GetAsync(tenant.UserPath("u1"));
        Assert.Equal((long)before["seq"]!, (long)after["seq"]!);
        Assert.Equal("away", (string?)after["data"]!["status"]);
    }

    [Fact]
    public async Task SetPresence_MalformedJson_Is400ProblemDetails()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var response = await tenant.Http.PutAsync($"{tenant.UserPath("u1")}/presence", new StringContent("{\"status\":", Encoding.UTF8, "application/json"));
        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownOrgUserOrGroup_Are404ProblemDetails()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        var nope = host.HttpFor("org-nope");
        await ProblemAsync(await nope.GetAsync("/organisation/org-nope"), HttpStatusCode.NotFound);
        await ProblemAsync(await nope.GetAsync($"/organisation/org-nope/user/u1"), HttpStatusCode.NotFound);
        await ProblemAsync(await tenant.Http.GetAsync(tenant.UserPath("nobody")), HttpStatusCode.NotFound);
        await ProblemAsync(await tenant.Http.GetAsync(tenant.GroupPath("nothing")), HttpStatusCode.NotFound);
        await ProblemAsync(await tenant.Http.PutAsJsonAsync($"{tenant.UserPath("nobody")}/presence", new { status = "busy" }), HttpStatusCode.NotFound);
        await ProblemAsync(await tenant.Http.DeleteAsync(tenant.UserPath("nobody")), HttpStatusCode.NotFound);
        await ProblemAsync(await tenant.Http.PostAsJsonAsync($"{tenant.GroupPath("nothing")}/queue/calls", new { callId = "x" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task InvalidIdsAndBodies_Are400WithTheFieldNamed()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var problem = await ProblemAsync(await tenant.Http.PutAsJsonAsync($"/organisation/{tenant.OrgId}/user/{new string('x', 80)}", new { displayName = "X" }), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["userId"]);
        problem = await ProblemAsync(await tenant.Http.PutAsJsonAsync(tenant.UserPath("u2"), new { extension = "1" }), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["displayName"]);
        problem = await ProblemAsync(await tenant.Http.PutAsJsonAsync(tenant.GroupPath("g2"), new { groupName = "G", members = new[] { "u1", "ghost" } }), HttpStatusCode.BadRequest);
        Assert.Contains("ghost", problem["errors"]!["members"]!.ToJsonString());
        problem = await ProblemAsync(await tenant.Http.PostAsJsonAsync($"{tenant.UserPath("u1")}/calls", new { callId = "c1", direction = "sideways" }), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["direction"]);
        problem = await ProblemAsync(await tenant.Http.PutAsJsonAsync($"{tenant.UserPath("u1")}/presence", new { status = "busy", statusMessage = new string('m', 300) }), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["statusMessage"]);
    }

    [Fact]
    public async Task Calls_SecondCallConflicts_WrongCallIdIs404_PresenceDuringCallAppliesAfterIt()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await tenant.SetPresenceAsync("u1", "available");
        await tenant.PostAsync($"{tenant.UserPath("u1")}/calls", new { callId = "c1", direction = "inbound" });

        await ProblemAsync(await tenant.Http.PostAsJsonAsync($"{tenant.UserPath("u1")}/calls", new { callId = "c2", direction = "outbound" }), HttpStatusCode.Conflict);
        await ProblemAsync(await tenant.Http.DeleteAsync($"{tenant.UserPath("u1")}/calls/c9"), HttpStatusCode.NotFound);

        var during = await tenant.SetPresenceAsync("u1", "away", "Lunch after this call");
        Assert.Equal("on_call", (string?)during["data"]!["status"]);
        var end = await tenant.Http.DeleteAsync($"{tenant.UserPath("u1")}/calls/c1");
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        var after = JsonNode.Parse(await end.Content.ReadAsStringAsync())!;
        Assert.Equal("away", (string?)after["data"]!["status"]);
        Assert.Equal("on_call", (string?)after["data"]!["previousStatus"]);
    }

    [Fact]
    public async Task Groups_PutMembersAddRemoveDelete_KeepTheSummaryRight()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 4, withGroup: false);
        await tenant.SetPresenceAsync("u1", "available");
        await tenant.SetPresenceAsync("u4", "busy");

        var group = await tenant.PutAsync(tenant.GroupPath("team"), new { groupName = "Team", members = new[] { "u1", "u2" } });
        Assert.Equal(2, (int)group["data"]!["summary"]!["totalMembers"]!);
        Assert.Equal(1, (int)group["data"]!["summary"]!["available"]!);

        group = await tenant.PostAsync($"{tenant.GroupPath("team")}/members", new { userIds = new[] { "u3", "u4" } });
        Assert.Equal(4, (int)group["data"]!["summary"]!["totalMembers"]!);
        Assert.Equal(1, (int)group["data"]!["summary"]!["busy"]!);

        var removed = await tenant.Http.DeleteAsync($"{tenant.GroupPath("team")}/members/u4");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        group = await tenant.GetAsync(tenant.GroupPath("team"));
        Assert.Equal(3, (int)group["data"]!["summary"]!["totalMembers"]!);
        Assert.Equal(0, (int)group["data"]!["summary"]!["busy"]!);

        // u4 left: its changes no longer reach the group.
        var seq = (long)group["seq"]!;
        await tenant.SetPresenceAsync("u4", "dnd");
        Assert.Equal(seq, (long)(await tenant.GetAsync(tenant.GroupPath("team")))["seq"]!);

        // Renaming with a new member list replaces the membership.
        group = await tenant.PutAsync(tenant.GroupPath("team"), new { groupName = "Team B", members = new[] { "u2" } });
        Assert.Equal("Team B", (string?)group["data"]!["groupName"]);
        Assert.Equal(1, (int)group["data"]!["summary"]!["totalMembers"]!);

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync(tenant.GroupPath("team"))).StatusCode);
        await ProblemAsync(await tenant.Http.GetAsync(tenant.GroupPath("team")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DirectoryImport_IsIdempotent_AndBuildsGroups()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);
        var users = Enumerable.Range(1, 300).Select(i => new { userId = $"agent-{i}", displayName = $"Agent {i}", extension = $"{5000 + i}" }).ToArray();
        var groups = new[]
        {
            new { groupId = "evens", groupName = "Evens", members = users.Where((_, i) => i % 2 == 1).Select(u => u.userId).ToArray() },
            new { groupId = "all", groupName = "Everyone", members = users.Select(u => u.userId).ToArray() },
        };

        var first = await tenant.PutAsync($"/organisation/{tenant.OrgId}/directory", new { users, groups });
        var second = await tenant.PutAsync($"/organisation/{tenant.OrgId}/directory", new { users, groups });

        Assert.Equal(300, (int)first["users"]!);
        Assert.Equal(2, (int)first["groups"]!);
        Assert.Equal(450, (int)first["memberships"]!);
        Assert.True(JsonNode.DeepEquals(first, second));
        var all = await tenant.GetAsync(tenant.GroupPath("all"));
        Assert.Equal(300, (int)all["data"]!["summary"]!["offline"]!);
        var evens = await tenant.GetAsync(tenant.GroupPath("evens"));
        Assert.Equal(150, evens["data"]!["members"]!.AsArray().Count);
    }

    [Fact]
    public async Task DirectoryImport_UnknownMember_Is400_AndNothingIsCreated()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);
        var response = await tenant.Http.PutAsJsonAsync($"/organisation/{tenant.OrgId}/directory", new
        {
            users = new[] { new { userId = "a1", displayName = "A" } },
            groups = new[] { new { groupId = "g", groupName = "G", members = new[] { "a1", "ghost" } } },
        });
        await ProblemAsync(response, HttpStatusCode.BadRequest);
        await ProblemAsync(await tenant.Http.GetAsync(tenant.UserPath("a1")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Queue_EnqueueDequeue_ReportsMetrics()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        var metrics = await tenant.PostAsync($"{tenant.GroupPath("g1")}/queue/calls", new { callId = "q1" });
        Assert.Equal(1, (int)metrics["queueMetrics"]!["callsWaiting"]!);
        metrics = await tenant.PostAsync($"{tenant.GroupPath("g1")}/queue/calls", new { callId = "q1" });
        Assert.Equal(1, (int)metrics["queueMetrics"]!["callsWaiting"]!); // idempotent per callId

        var left = await tenant.Http.DeleteAsync($"{tenant.GroupPath("g1")}/queue/calls/q1");
        Assert.Equal(HttpStatusCode.OK, left.StatusCode);
        var after = JsonNode.Parse(await left.Content.ReadAsStringAsync())!;
        Assert.Equal(0, (int)after["queueMetrics"]!["callsWaiting"]!);
        Assert.Equal("unspecified", (string)after["departure"]!["reason"]!);
        Assert.False((bool)after["repeated"]!);
        await ProblemAsync(await tenant.Http.DeleteAsync($"{tenant.GroupPath("g1")}/queue/calls/never-queued"), HttpStatusCode.NotFound);
    }
}
