using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>No client may take the service down: connection quotas (4008), floods (1008), handshake rate (429), origins, body size.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LimitsTests(GatewayHost host)
{
    internal static async Task<TestTenant> TenantWithLimitAsync(GatewayHost host, int maxConnections)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await tenant.PutAsync($"/organisation/{tenant.OrgId}", new { name = "Limited", settings = new { maxConnections } });
        return tenant;
    }

    /// <summary>Connects and proves the socket was admitted (a ping is answered).</summary>
    internal static async Task<PresenceSocket> AdmittedAsync(GatewayHost gateway, TestTenant tenant, string userId)
    {
        var socket = await gateway.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, userId));
        await socket.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await socket.ReceiveAsync())["type"]);
        return socket;
    }

    [Fact]
    public async Task Organisation_AtItsLimit_RefusesTheNextSocketWith4008_AndAdmitsAgainAfterOneLeaves()
    {
        var tenant = await TenantWithLimitAsync(host, 3);
        var open = new List<PresenceSocket>();
        for (var i = 0; i < 3; i++) open.Add(await AdmittedAsync(host, tenant, $"agent-{i}"));

        await using (var refused = await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "agent-9")))
        {
            await refused.ExpectErrorAndCloseAsync(4008, "CONNECTION_LIMIT_EXCEEDED");
        }

        await open[0].DisposeAsync();
        await Poll.UntilAsync(async () =>
        {
            await using var socket = await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "agent-9"));
            await socket.SendAsync(new { type = "ping" });
            return (string?)(await socket.ReceiveAsync())["type"] == "pong";
        }, TimeSpan.FromSeconds(10), "a freed connection to be admitted");
        foreach (var socket in open.Skip(1)) await socket.DisposeAsync();
    }

    /// <summary>
    /// The organisation's quota grain unreachable for a moment, as in the second after its silo is killed (calls to it
    /// rejected undelivered): a client reconnecting then is admitted once the call goes through, not refused with 1011.
    /// ResumeFailoverTests failed this way once (a resume answered "error" 0.9 s after a kill).
    /// </summary>
    [Fact]
    public async Task QuotaGrainUnreachableForAMoment_TheSocketIsAdmittedOnceItAnswers()
    {
        var tenant = await TenantWithLimitAsync(host, 5);
        var rejectedBefore = host.Faults.Rejected;
        host.Faults.RejectNext(host.Get<IGrainFactory>().GetGrain<IConnectionQuotaGrain>(tenant.OrgId), calls: 3);

        await using var socket = await AdmittedAsync(host, tenant, "agent-1");

        Assert.Equal(3, host.Faults.Rejected - rejectedBefore);
    }

    [Fact]
    public async Task Organisation_LimitHoldsAcrossTwoGateways()
    {
        var second = await host.StartSecondGatewayAsync();
        var tenant = await TenantWithLimitAsync(host, 2);
        await using var one = await AdmittedAsync(host, tenant, "agent-1");
        await using var two = await AdmittedAsync(second, tenant, "agent-2");

        await using var third = await second.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "agent-3"));
        await third.ExpectErrorAndCloseAsync(4008, "CONNECTION_LIMIT_EXCEEDED");
        await using var fourth = await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "agent-4"));
        await fourth.ExpectErrorAndCloseAsync(4008, "CONNECTION_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task User_AtTheLimitOfOneGateway_RefusesTheNextSocketWith4008()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var open = new List<PresenceSocket>();
        for (var i = 0; i < 25; i++) open.Add(await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "busy-bee")));
        await open[^1].SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await open[^1].ReceiveAsync())["type"]);

        await using var refused = await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "busy-bee"));
        await refused.ExpectErrorAndCloseAsync(4008, "CONNECTION_LIMIT_EXCEEDED");
        await using var other = await AdmittedAsync(host, tenant, "someone-else");
        foreach (var socket in open) await socket.DisposeAsync();
    }

    [Fact]
    public async Task Gateway_AtItsLimit_RefusesTheNextSocketWith4008()
    {
        var small = await host.StartSecondGatewayAsync("--Limits:MaxConnectionsPerGateway=2");
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var one = await AdmittedAsync(small, tenant, "a");
        await using var two = await AdmittedAsync(small, tenant, "b");
        await using var three = await small.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "c"));
        await three.ExpectErrorAndCloseAsync(4008, "CONNECTION_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task MessageFlood_ClosesTheSocketWith1008_OthersUnaffected()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var calm = await host.ConnectAsync(tenant.UserPath("u1"));
        await calm.SubscribeUserAsync(tenant.OrgId, "u1");
        await calm.ReceiveAsync();
        await using var flooder = await host.ConnectAsync(tenant.UserPath("u1"));

        for (var i = 0; i < 100 && flooder.State == WebSocketState.Open; i++)
        {
            try { await flooder.SendAsync(new { type = "ping" }); }
            catch (WebSocketException) { break; }
        }

        await flooder.ExpectErrorAndCloseAsync(1008, "RATE_LIMITED");
        await tenant.SetPresenceAsync("u1", "busy");
        Assert.Equal("busy", (string?)(await calm.ReceiveAsync())["data"]!["status"]);
    }

    [Fact]
    public async Task HandshakeFlood_FromOneAddress_Gets429_WhileOtherAddressesConnect()
    {
        var strict = await host.StartSecondGatewayAsync("--Limits:HandshakeBurstPerAddress=5", "--Limits:HandshakesPerSecondPerAddress=1");
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var uri = new Uri(strict.WebSocketAddress, $"{tenant.UserPath("u1")}?access_token={GatewayHost.Token(tenant.OrgId)}");

        var refused = 0;
        for (var i = 0; i < 12; i++)
        {
            var status = await PresenceSocket.HandshakeStatusAsync(uri, IPAddress.Parse("127.0.0.9"));
            if (status == HttpStatusCode.TooManyRequests) refused++;
        }

        Assert.True(refused >= 5, $"only {refused} of 12 rapid handshakes were refused");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await PresenceSocket.HandshakeStatusAsync(uri, IPAddress.Parse("127.0.0.10")));

        // The refusal says when to come back (jittered 1–5 s), so a refused storm does not return all at once.
        using var raw = new HttpClient(PresenceSocket.BoundHandler(IPAddress.Parse("127.0.0.9")));
        using var upgrade = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(uri) { Scheme = "http" }.Uri);
        upgrade.Headers.Connection.Add("Upgrade");
        upgrade.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        upgrade.Headers.Add("Sec-WebSocket-Version", "13");
        upgrade.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var answer = await raw.SendAsync(upgrade).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
        Assert.InRange(answer.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 5);
    }

    [Theory]
    [InlineData("http://evil.example", false)]
    [InlineData("http://localhost:8080", true)]
    public async Task BrowserOrigin_MustBeOnTheAllowList(string origin, bool allowed)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        using var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Origin", origin);
        client.Options.CollectHttpResponseDetails = true;
        var uri = new Uri(host.WebSocketAddress, $"{tenant.UserPath("u1")}?access_token={GatewayHost.Token(tenant.OrgId)}");

        var connect = client.ConnectAsync(uri, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        if (allowed)
        {
            await connect;
            Assert.Equal(WebSocketState.Open, client.State);
            client.Abort();
        }
        else
        {
            await Assert.ThrowsAsync<WebSocketException>(() => connect);
            Assert.Equal(HttpStatusCode.Forbidden, client.HttpStatusCode);
        }
    }

    [Fact]
    public async Task RestBody_OverTheLimit_Is413_AndNothingChanges()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var response = await tenant.Http.PutAsJsonAsync($"{tenant.UserPath("u1")}/presence", new { status = "busy", statusMessage = new string('x', 100_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("offline", (string?)(await tenant.GetAsync(tenant.UserPath("u1")))["data"]!["status"]);
    }

    [Fact]
    public async Task Socket_SubscribingRepeatedly_HoldsOneSubscription()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        for (var i = 0; i < 5; i++)
        {
            await socket.SubscribeUserAsync(tenant.OrgId, "u1");
            await socket.ReceiveAsync();
        }
        var key = new TopicKey(TopicKind.User, tenant.OrgId, "u1");
        Assert.Equal(1, host.Get<TopicHub>().Topics.Single(t => t.Key == key).SubscriberCount);
    }
}

/// <summary>Connection leases of a gateway that died run out on the quota grain's clock (a fake one here, moved by the test).</summary>
[Collection(FakeClockGatewayCollection.Name)]
public sealed class ConnectionLeaseExpiryTests(FakeClockGatewayHost host)
{
    [Fact]
    public async Task DeadGatewaysLeases_ExpireAndFreeTheOrganisationsConnections()
    {
        var tenant = await LimitsTests.TenantWithLimitAsync(host, 2);
        // A gateway that took two connections and then died: it never releases nor renews them.
        var quota = host.Get<IClusterClient>().GetGrain<IConnectionQuotaGrain>(tenant.OrgId);
        Assert.True(await quota.TryAcquireAsync("gateway-that-died", 2, TimeSpan.FromSeconds(2)));
        Assert.True(await quota.TryAcquireAsync("gateway-that-died", 2, TimeSpan.FromSeconds(2)));

        await using (var refused = await host.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, "agent-1")))
        {
            await refused.ExpectErrorAndCloseAsync(4008, "CONNECTION_LIMIT_EXCEEDED");
        }

        host.Clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, await quota.GetCountAsync()); // not before the lease ends
        host.Clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, await quota.GetCountAsync());
        await using var admitted = await LimitsTests.AdmittedAsync(host, tenant, "agent-1");
    }
}
