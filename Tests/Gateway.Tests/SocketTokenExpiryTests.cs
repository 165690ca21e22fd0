using System.Net.WebSockets;
using FreedomCti.Presence.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// A socket is closed with 4003 when its token expires, unless a refresh_token moved the expiry. On a fake clock: the
/// gateway arms the close on its clock, and the test moves it to just short of the expiry and past it.
/// </summary>
[Collection(FakeClockGatewayCollection.Name)]
public sealed class SocketTokenExpiryTests(FakeClockGatewayHost host)
{
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(100);

    /// <summary>A token whose expiry is <paramref name="lifetime"/> past the fake clock's now (and no earlier by the real clock).</summary>
    private (string Token, TimeSpan Left) TokenExpiringIn(string orgId, TimeSpan lifetime)
    {
        host.CatchUpWithRealTime();
        var ahead = host.Clock.GetUtcNow() - DateTimeOffset.UtcNow;
        var token = GatewayHost.Tokens.ExpiringIn(orgId, lifetime + (ahead > TimeSpan.Zero ? ahead : TimeSpan.Zero));
        // exp is in whole seconds: how long the token has left on the fake clock.
        return (token, new JsonWebToken(token).ValidTo - host.Clock.GetUtcNow().UtcDateTime);
    }

    [Fact]
    public async Task Socket_TokenExpiringWhileOpen_IsClosedWith4003AtExpiry()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var (token, left) = TokenExpiringIn(tenant.OrgId, TimeSpan.FromSeconds(2));
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"), token);
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        Assert.True((bool)(await socket.ReceiveAsync())["snapshot"]!);

        host.Clock.Advance(left - Margin);
        Assert.True(await socket.StaysQuietAsync(TimeSpan.FromMilliseconds(500)), "closed before the token expired");
        host.Clock.Advance(Margin * 2);

        var error = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "error", TimeSpan.FromSeconds(15));
        Assert.Equal(4003, (int)error["code"]!);
        Assert.Contains("expired", (string?)error["description"]);
        await socket.ExpectCloseAsync(4003, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Socket_RefreshTokenBeforeExpiry_KeepsTheSocketOpen()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var (token, left) = TokenExpiringIn(tenant.OrgId, TimeSpan.FromSeconds(3));
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"), token);
        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        await socket.ReceiveAsync();

        await socket.SendAsync(new { action = "refresh_token", token = GatewayHost.Tokens.ExpiringIn(tenant.OrgId, TimeSpan.FromHours(1)) });
        var refreshed = await socket.ReceiveAsync();
        Assert.Equal("token_refreshed", (string?)refreshed["type"]);

        // Past the first token's expiry the socket still works.
        host.Clock.Advance(left + TimeSpan.FromSeconds(1));
        await socket.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await socket.ReceiveAsync())["type"]);
        Assert.Equal(WebSocketState.Open, socket.State);
    }
}
