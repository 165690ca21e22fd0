using System.Net;
using System.Net.Http.Json;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>What a valid token may do: its own tenant only; agents their own presence and groups; integrations calls and queues.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorizationTests(GatewayHost host)
{
    [Fact]
    public async Task Socket_TokenForAnotherOrganisation_IsClosedWith4003()
    {
        var victim = await TestTenant.CreateAsync(host, users: 1);
        var attacker = await TestTenant.CreateAsync(host, users: 1);
        await using var socket = await host.ConnectAsync(victim.GroupPath("g1"), GatewayHost.Token(attacker.OrgId, "u1", PresenceRoles.Admin));
        await socket.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Rest_WritesWithAnotherOrganisationsToken_Are403_AndNothingChanges()
    {
        var victim = await TestTenant.CreateAsync(host, users: 1);
        var attacker = await TestTenant.CreateAsync(host, users: 1);
        using var client = host.HttpFor(attacker.OrgId, PresenceRoles.Admin, PresenceRoles.System);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"{victim.UserPath("u1")}/presence", new { status = "dnd" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync(victim.UserPath("u1"), new { displayName = "Pwned" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync(victim.GroupPath("g1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"{victim.UserPath("u1")}/calls", new { callId = "x", direction = "inbound" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(victim.UserPath("u1"))).StatusCode);

        var user = await victim.GetAsync(victim.UserPath("u1"));
        Assert.Equal("offline", (string?)user["data"]!["status"]);
        Assert.Equal("User 1", (string?)user["data"]!["displayName"]);
    }

    [Fact]
    public async Task Agent_WatchingAGroupTheyAreNotIn_IsClosedWith4006()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await tenant.PutAsync(tenant.UserPath("outsider"), new { displayName = "Outsider" });
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"), GatewayHost.Token(tenant.OrgId, "outsider", PresenceRoles.Agent));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await socket.ExpectErrorAndCloseAsync(4006, "GROUP_ACCESS_DENIED");
    }

    [Theory]
    [InlineData("u2", PresenceRoles.Agent)]
    [InlineData("someone", PresenceRoles.Supervisor)]
    [InlineData("someone", PresenceRoles.Admin)]
    public async Task MembersSupervisorsAndAdmins_MayWatchAGroup(string userId, string role)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"), GatewayHost.Token(tenant.OrgId, userId, role));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        Assert.Equal("group_presence_update", (string?)(await socket.ReceiveAsync())["type"]);
    }

    [Fact]
    public async Task Agent_MayWatchAnyUserOfTheirOrganisation()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u3"), GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent));
        await socket.SubscribeUserAsync(tenant.OrgId, "u3");
        Assert.Equal("presence_update", (string?)(await socket.ReceiveAsync())["type"]);
    }

    [Fact]
    public async Task Agent_ReadingAGroupTheyAreNotInOverRest_Is403()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        using var outsider = host.HttpFor(tenant.OrgId, PresenceRoles.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync(tenant.GroupPath("g1"))).StatusCode);
        using var member = host.HttpWithToken(GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync(tenant.GroupPath("g1"))).StatusCode);
    }

    [Fact]
    public async Task Agent_SetsOwnPresence_ButNotAnothersOrCallsOrDirectory()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        using var agent = host.HttpWithToken(GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent));

        Assert.Equal(HttpStatusCode.OK, (await agent.PutAsJsonAsync($"{tenant.UserPath("u1")}/presence", new { status = "available" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync($"{tenant.UserPath("u2")}/presence", new { status = "dnd" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"{tenant.UserPath("u1")}/calls", new { callId = "c", direction = "inbound" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"{tenant.GroupPath("g1")}/queue/calls", new { callId = "q" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync(tenant.UserPath("u3"), new { displayName = "New" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync(tenant.GroupPath("g1"), new { groupName = "Mine", members = new[] { "u1" } })).StatusCode);
        Assert.Equal("offline", (string?)(await tenant.GetAsync(tenant.UserPath("u2")))["data"]!["status"]);
    }

    [Fact]
    public async Task Supervisor_SetsAnyonesPresence_ButCallsNeedTheSystemRole()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        using var supervisor = host.HttpFor(tenant.OrgId, PresenceRoles.Supervisor);
        using var system = host.HttpFor(tenant.OrgId, PresenceRoles.System);

        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync($"{tenant.UserPath("u2")}/presence", new { status = "away" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsJsonAsync($"{tenant.UserPath("u2")}/calls", new { callId = "c", direction = "inbound" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PutAsJsonAsync(tenant.UserPath("u3"), new { displayName = "New" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.PostAsJsonAsync($"{tenant.UserPath("u2")}/calls", new { callId = "c", direction = "inbound" })).StatusCode);
    }

    [Fact]
    public async Task Agent_TakenOutOfTheGroup_LosesTheSubscriptionWith4006()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 3);
        await using var agent = await host.ConnectAsync(tenant.GroupPath("g1"), GatewayHost.Token(tenant.OrgId, "u2", PresenceRoles.Agent));
        await agent.SubscribeGroupAsync(tenant.OrgId, "g1");
        await agent.ReceiveAsync();
        await using var supervisor = await host.ConnectAsync(tenant.GroupPath("g1"));
        await supervisor.SubscribeGroupAsync(tenant.OrgId, "g1");
        await supervisor.ReceiveAsync();

        var removed = await tenant.Http.DeleteAsync($"{tenant.GroupPath("g1")}/members/u2");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);

        await agent.ExpectErrorAndCloseAsync(4006, "GROUP_ACCESS_DENIED");
        var update = await supervisor.ReceiveUntilAsync(m => (string?)m["type"] == "group_presence_update");
        Assert.Equal(2, (int)update["data"]!["summary"]!["totalMembers"]!);
    }
}
