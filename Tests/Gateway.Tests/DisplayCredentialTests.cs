using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// Wall display credentials and socket tickets (docs/security.md, "Wall displays"): an admin issues a credential, a
/// board exchanges it for a read-only token limited to its groups, a revoked one gets nothing, and a ticket opens one
/// socket once.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DisplayCredentialTests(GatewayHost host)
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task<(string Id, string Credential)> IssueAsync(TestTenant tenant, params string[] groups)
    {
        using var response = await tenant.Http.PostAsJsonAsync($"/organisation/{tenant.OrgId}/displays", new { name = "East wall", groups });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await JsonAsync(response);
        return (body.GetProperty("displayId").GetString()!, body.GetProperty("credential").GetString()!);
    }

    private async Task<HttpResponseMessage> ExchangeAsync(string credential)
    {
        using var anonymous = new HttpClient { BaseAddress = host.HttpAddress };
        return await anonymous.PostAsJsonAsync(DisplayEndpoints.TokenPath, new { credential });
    }

    [Fact]
    public async Task Credential_ExchangedForAReadOnlyToken_ThatReadsItsGroupsOnly_AndNeverWrites()
    {
        var tenant = await TestTenant.CreateAsync(host);
        await tenant.PutAsync(tenant.GroupPath("g2"), new { groupName = "Other", members = new[] { "u1" } });
        var (_, credential) = await IssueAsync(tenant, "g1");

        using var exchanged = await ExchangeAsync(credential);
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        var token = (await JsonAsync(exchanged)).GetProperty("accessToken").GetString()!;
        using var display = host.HttpWithToken(token);

        Assert.Equal(HttpStatusCode.OK, (await display.GetAsync(tenant.GroupPath("g1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await display.GetAsync(tenant.GroupPath("g2"))).StatusCode);
        var before = (await tenant.GetAsync(tenant.UserPath("u1")))["data"]!["status"]!.GetValue<string>();
        var other = before == "busy" ? "away" : "busy";
        using var write = await display.PutAsJsonAsync($"{tenant.UserPath("u1")}/presence", new { status = other });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(before, (await tenant.GetAsync(tenant.UserPath("u1")))["data"]!["status"]!.GetValue<string>());

        await using var socket = await host.ConnectAsync($"/organisation/{tenant.OrgId}/user-group/g1", token);
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var snapshot = await socket.ReceiveAsync();
        Assert.Equal("group_presence_update", (string?)snapshot["type"]);
    }

    [Fact]
    public async Task RevokedCredential_GetsNoToken_WithTheRevokedProblemType_OnEveryTry()
    {
        var tenant = await TestTenant.CreateAsync(host);
        var (id, credential) = await IssueAsync(tenant, "g1");
        using (var first = await ExchangeAsync(credential)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using (var revoke = await tenant.Http.DeleteAsync($"/organisation/{tenant.OrgId}/displays/{id}")) Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        for (var i = 0; i < 2; i++)
        {
            using var refused = await ExchangeAsync(credential);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(DisplayEndpoints.RevokedType, (await JsonAsync(refused)).GetProperty("type").GetString());
        }
        var list = await tenant.GetAsync($"/organisation/{tenant.OrgId}/displays");
        Assert.NotNull(list["displays"]![0]!["revokedAt"]);
        Assert.DoesNotContain(credential.Split(':')[^1], list.ToJsonString(), StringComparison.Ordinal); // only its hash is kept
    }

    [Theory]
    [InlineData("not-a-credential")]
    [InlineData("fcd_org-x:d1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ForgedCredential_IsRefused_WithTheInvalidProblemType(string credential)
    {
        using var refused = await ExchangeAsync(credential);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(DisplayEndpoints.InvalidType, (await JsonAsync(refused)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Ticket_OpensOneSocket_Once()
    {
        var tenant = await TestTenant.CreateAsync(host);
        using var response = await tenant.Http.PostAsync($"/organisation/{tenant.OrgId}/socket-tickets", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ticket = (await JsonAsync(response)).GetProperty("ticket").GetString()!;
        var path = $"/organisation/{tenant.OrgId}/user/u1?ticket={Uri.EscapeDataString(ticket)}";

        await using (var socket = await host.ConnectAnonymousAsync(path))
        {
            await socket.SubscribeUserAsync(tenant.OrgId, "u1");
            Assert.Equal("presence_update", (string?)(await socket.ReceiveAsync())["type"]);
        }
        await using var again = await host.ConnectAnonymousAsync(path);
        await again.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
    }
    [Fact]
    public async Task Ticket_NeverOutlivesItsToken_AndIsRefusedOnceExpired()
    {
        var tenant = await TestTenant.CreateAsync(host);
        // A token that lives 2 s: its ticket's expiry is bounded by the token's, well before Auth:SocketTicketLifetime.
        var token = DevTokens.Issue(GatewayHost.Key, GatewayHost.Issuer, GatewayHost.Audience, "tester", tenant.OrgId,
            [PresenceRoles.Supervisor], TimeSpan.FromSeconds(2));
        using var http = host.HttpWithToken(token);
        using var response = await http.PostAsync($"/organisation/{tenant.OrgId}/socket-tickets", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await JsonAsync(response);
        var expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.True(expiresAt <= DateTimeOffset.UtcNow.AddSeconds(3), $"ticket expires {expiresAt:O}, after its token");

        // Wait out the answered expiry (bounded: at most the token's 2 s), then the unused ticket opens nothing.
        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(250);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var path = $"/organisation/{tenant.OrgId}/user/u1?ticket={Uri.EscapeDataString(body.GetProperty("ticket").GetString()!)}";
        await using var late = await host.ConnectAnonymousAsync(path);
        await late.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
    }
}
