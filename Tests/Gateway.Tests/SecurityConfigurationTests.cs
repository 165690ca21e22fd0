using System.Net;
using System.Net.Http.Json;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Configuration mistakes fail safe, and deployment settings (origins, proxies) do what they say.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SecurityConfigurationTests(GatewayHost host)
{
    [Fact]
    public void KeySource_MissingOutsideTheDemoRun_RefusesToStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SigningKeys(new AuthOptions(), demo: false));
        Assert.Contains("Auth:SigningKey", error.Message);
        Assert.True(new SigningKeys(new AuthOptions(), demo: true).IsDevelopmentKey);
    }

    [Fact]
    public void KeySource_TooShortOrAmbiguous_RefusesToStart()
    {
        Assert.Throws<InvalidOperationException>(() => new SigningKeys(new AuthOptions { SigningKey = "short" }, demo: true));
        Assert.Throws<InvalidOperationException>(() => new SigningKeys(
            new AuthOptions { SigningKey = GatewayHost.SigningKey, Authority = "https://login.example" }, demo: false));
    }

    [Fact]
    public async Task AnonymousRequest_WithAHugeBody_Is401_BeforeTheBodyIsRead()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var users = Enumerable.Range(0, 60_000).Select(i => new { userId = $"x{i}", displayName = "X" }).ToArray();
        var response = await host.Http.PutAsJsonAsync($"/organisation/{tenant.OrgId}/directory", new { users });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var foreign = host.HttpFor("some-other-org");
        response = await foreign.PutAsJsonAsync($"/organisation/{tenant.OrgId}/directory", new { users });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnonymousRequest_WithABodyThatIsNotJson_Is401_Not400()
    {
        // docs/protocol.md, REST API: the token is checked before the body is read, then the organisation, then the body.
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        HttpContent NotJson() => new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        var path = $"/organisation/{tenant.OrgId}/user/u1/presence";

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.PutAsync(path, NotJson())).StatusCode);
        using var foreign = host.HttpFor("some-other-org");
        Assert.Equal(HttpStatusCode.Forbidden, (await foreign.PutAsync(path, NotJson())).StatusCode);
        using var own = host.HttpFor(tenant.OrgId);
        Assert.Equal(HttpStatusCode.BadRequest, (await own.PutAsync(path, NotJson())).StatusCode);
    }

    [Fact]
    public async Task ConfiguredOrigins_ReplaceTheDevelopmentDefaults()
    {
        var gateway = await host.StartSecondGatewayAsync("--Limits:AllowedOrigins:0=https://wallboard.example");
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(gateway, tenant, ("Origin", "https://wallboard.example")));
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeAsync(gateway, tenant, ("Origin", "http://localhost:8080")));
    }

    [Fact]
    public async Task BehindATrustedProxy_EachForwardedClientHasItsOwnHandshakeBudget()
    {
        var gateway = await host.StartSecondGatewayAsync("--Limits:TrustedProxyNetworks:0=127.0.0.0/8",
            "--Limits:HandshakeBurstPerAddress=3", "--Limits:HandshakesPerSecondPerAddress=1");
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++) statuses.Add(await HandshakeAsync(gateway, tenant, ("X-Forwarded-For", "203.0.113.7")));

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(gateway, tenant, ("X-Forwarded-For", "203.0.113.8")));
    }

    private static Task<HttpStatusCode> HandshakeAsync(GatewayHost gateway, TestTenant tenant, (string Name, string Value) header) =>
        PresenceSocket.HandshakeStatusAsync(
            new Uri(gateway.WebSocketAddress, $"{tenant.UserPath("u1")}?access_token={GatewayHost.Token(tenant.OrgId)}"), source: null, header);
}
