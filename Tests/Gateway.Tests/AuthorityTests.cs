using System.Security.Cryptography;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Tests;

/// <summary>The production key source: an OpenID Connect authority whose discovery document supplies the signing keys.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorityTests(GatewayHost host)
{
    [Fact]
    public async Task Authority_TokensItSigned_AreAccepted_OthersAreRefused_AndRefreshWorks()
    {
        await using var authority = await TestAuthority.StartAsync();
        var gateway = await host.StartSecondGatewayAsync(
            "--Auth:SigningKey=", $"--Auth:Authority={authority.Issuer}", "--Auth:RequireHttpsMetadata=false");
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);

        await using (var socket = await gateway.ConnectAsync(tenant.UserPath("u1"), authority.Token(tenant.OrgId, "u1", PresenceRoles.Agent)))
        {
            await socket.SubscribeUserAsync(tenant.OrgId, "u1");
            Assert.Equal("presence_update", (string?)(await socket.ReceiveAsync())["type"]);
            await socket.SendAsync(new { action = "refresh_token", token = authority.Token(tenant.OrgId, "u1", PresenceRoles.Agent) });
            Assert.Equal("token_refreshed", (string?)(await socket.ReceiveAsync())["type"]);
        }

        var impostor = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key-1" };
        await using (var forged = await gateway.ConnectAsync(tenant.UserPath("u1"), authority.Token(tenant.OrgId, "u1", PresenceRoles.Agent, impostor)))
        {
            await forged.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
        }
        // The HS256 test key means nothing to a gateway whose keys come from the authority.
        await using var symmetric = await gateway.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId));
        await symmetric.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
    }
}
