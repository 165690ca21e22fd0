using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Who may connect: every kind of bad token is refused on sockets (4003) and on REST (401).</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthenticationTests(GatewayHost host)
{
    public static TheoryData<string> BadTokens => new() { "missing", "expired", "forged", "wrong-audience", "wrong-issuer", "alg-none", "garbage" };

    private static string? Make(string kind, string orgId) => kind switch
    {
        "missing" => null,
        "expired" => GatewayHost.Tokens.Expired(orgId),
        "forged" => GatewayHost.Tokens.Forged(orgId),
        "wrong-audience" => GatewayHost.Tokens.WrongAudience(orgId),
        "wrong-issuer" => GatewayHost.Tokens.WrongIssuer(orgId),
        "alg-none" => TestTokens.AlgNone(orgId),
        _ => "not.a.token",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Socket_WithBadToken_IsAcceptedThenClosedWith4003(string kind)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var token = Make(kind, tenant.OrgId);
        await using var socket = token is null
            ? await host.ConnectAnonymousAsync(tenant.UserPath("u1"))
            : await host.ConnectAsync(tenant.UserPath("u1"), token);
        await socket.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Rest_WithBadToken_Is401ProblemDetails_AndNothingChanges(string kind)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var token = Make(kind, tenant.OrgId);
        using var client = token is null ? new HttpClient { BaseAddress = host.HttpAddress } : host.HttpWithToken(token);

        var response = await client.PutAsJsonAsync($"{tenant.UserPath("u1")}/presence", new { status = "busy" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("offline", (string?)(await tenant.GetAsync(tenant.UserPath("u1")))["data"]!["status"]);
    }

    [Fact]
    public async Task Socket_TokenInAuthorizationHeader_IsAccepted()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {GatewayHost.Token(tenant.OrgId)}");
        await socket.ConnectAsync(new Uri(host.WebSocketAddress, tenant.UserPath("u1")), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await socket.SendAsync("""{"type":"ping"}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.Contains("pong", System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
        socket.Abort();
    }

    [Fact]
    public async Task Socket_RefreshWithAnotherUsersToken_IsClosedWith4003()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "alice"));
        await socket.SendAsync(new { action = "refresh_token", token = GatewayHost.Token(tenant.OrgId, "mallory") });
        await socket.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Socket_RefreshWithForgedToken_IsClosedWith4003()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SendAsync(new { action = "refresh_token", token = GatewayHost.Tokens.Forged(tenant.OrgId) });
        await socket.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Logs_NeverContainTokens_EvenWithVerboseLogging()
    {
        var verbose = await host.StartSecondGatewayAsync("--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft.AspNetCore=Trace");
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var token = GatewayHost.Token(tenant.OrgId);
        var bad = GatewayHost.Tokens.Forged(tenant.OrgId);

        await using (var socket = await verbose.ConnectAsync(tenant.UserPath("u1"), token))
        {
            await socket.SubscribeUserAsync(tenant.OrgId, "u1");
            await socket.ReceiveAsync();
        }
        await using (var refused = await verbose.ConnectAsync(tenant.UserPath("u1"), bad))
        {
            await refused.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
        }
        using var rest = verbose.HttpWithToken(token);
        await rest.GetAsync(tenant.UserPath("u1"));

        Assert.Contains(verbose.Logs.Lines, l => l.Contains("Microsoft.AspNetCore")); // logging really was on
        var signature = token.Split('.')[2];
        var badSignature = bad.Split('.')[2];
        Assert.DoesNotContain(verbose.Logs.Lines, l => l.Contains(signature) || l.Contains(badSignature) || l.Contains("access_token="));
    }
}
