using System.Net;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>GET /organisation/{orgId}/user-group: the catalogue a wallboard's group picker lists.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GroupListTests(GatewayHost host)
{
    private static string[] Ids(JsonObject list) => [.. list["groups"]!.AsArray().Select(g => (string)g!["groupId"]!)];

    [Fact]
    public async Task Supervisor_SeesEveryGroupInIdOrder_WithNames_AndDeletedOnesGo()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3); // g1 holds u1..u3
        await tenant.PutAsync($"{tenant.GroupPath("b-team")}", new { groupName = "B Team", members = new[] { "u1" } });
        await tenant.PutAsync("/organisation/" + tenant.OrgId + "/directory", new
        {
            users = Array.Empty<object>(),
            groups = new[] { new { groupId = "a-team", groupName = "A Team", members = new[] { "u2" } } },
        });

        var list = await tenant.GetAsync($"/organisation/{tenant.OrgId}/user-group");
        Assert.Equal(["a-team", "b-team", "g1"], Ids(list));
        Assert.Equal("B Team", (string?)list["groups"]![1]!["groupName"]);

        await tenant.PutAsync($"{tenant.GroupPath("b-team")}", new { groupName = "Bravo", members = new[] { "u1" } });
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync(tenant.GroupPath("a-team"))).StatusCode);
        list = await tenant.GetAsync($"/organisation/{tenant.OrgId}/user-group");
        Assert.Equal(["b-team", "g1"], Ids(list));
        Assert.Equal("Bravo", (string?)list["groups"]![0]!["groupName"]);
    }

    [Fact]
    public async Task Agent_SeesOnlyTheirOwnGroups()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await tenant.PutAsync($"{tenant.GroupPath("other")}", new { groupName = "Other", members = new[] { "u2" } });
        var agent = new TestTenant(host.HttpWithToken(GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent)), tenant.OrgId);

        var list = await agent.GetAsync($"/organisation/{tenant.OrgId}/user-group");

        Assert.Equal(["g1"], Ids(list));
    }

    [Fact]
    public async Task OtherOrganisation_Is403_UnknownOrganisation_Is404()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);

        var foreign = await host.HttpFor("org-elsewhere").GetAsync($"/organisation/{tenant.OrgId}/user-group");
        var missing = await host.HttpFor("org-missing").GetAsync("/organisation/org-missing/user-group");

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
