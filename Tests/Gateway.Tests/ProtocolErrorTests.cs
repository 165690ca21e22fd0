using System.Net.WebSockets;
using System.Text;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Every error case of the contract, and what hostile or broken frames get.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ProtocolErrorTests(GatewayHost host)
{
    [Fact]
    public async Task UnknownOrganisation_ClosesWith4001()
    {
        await using var socket = await host.ConnectAsync("/organisation/org-does-not-exist/user/u1");
        await socket.SubscribeUserAsync("org-does-not-exist", "u1");
        await socket.ExpectErrorAndCloseAsync(4001, "INVALID_ORG_ID");
    }

    [Fact]
    public async Task MalformedOrganisationId_ClosesWith4001_BeforeAnySubscribe()
    {
        await using var socket = await host.ConnectAsync("/organisation/bad%20org!/user/u1");
        await socket.ExpectErrorAndCloseAsync(4001, "INVALID_ORG_ID");
    }

    [Fact]
    public async Task UnknownUser_ClosesWith4002()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("nobody"));
        await socket.SubscribeUserAsync(tenant.OrgId, "nobody");
        await socket.ExpectErrorAndCloseAsync(4002, "INVALID_USER_ID");
    }

    [Fact]
    public async Task OverlongUserId_ClosesWith4002()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath(new string('u', 65)));
        await socket.ExpectErrorAndCloseAsync(4002, "INVALID_USER_ID");
    }

    [Fact]
    public async Task UnknownGroup_ClosesWith4005()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("no-such-group"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "no-such-group");
        await socket.ExpectErrorAndCloseAsync(4005, "INVALID_GROUP_ID");
    }

    [Theory]
    [InlineData("{\"action\":\"subscribe\",\"orgId\":\"other-org\",\"userId\":\"u1\"}", 4001, "INVALID_ORG_ID")]
    [InlineData("{\"action\":\"subscribe\",\"orgId\":\"ORG\",\"userId\":\"u2\"}", 4002, "INVALID_USER_ID")]
    [InlineData("{\"action\":\"subscribe\",\"orgId\":\"ORG\"}", 4002, "INVALID_USER_ID")]
    [InlineData("{\"action\":\"unsubscribe\",\"orgId\":\"ORG\",\"userId\":\"u2\"}", 4002, "INVALID_USER_ID")]
    public async Task SubscribeWithIdsThatDisagreeWithThePath_IsRefused(string frame, int code, string message)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SendTextAsync(frame.Replace("ORG", tenant.OrgId));
        await socket.ExpectErrorAndCloseAsync(code, message);
    }

    [Fact]
    public async Task GroupSubscribeNamingAnotherGroup_ClosesWith4005()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g2");
        await socket.ExpectErrorAndCloseAsync(4005, "INVALID_GROUP_ID");
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"action\":")]
    [InlineData("[1,2,3]")]
    [InlineData("\"subscribe\"")]
    [InlineData("{\"action\":\"explode\"}")]
    [InlineData("{\"type\":\"pingpong\"}")]
    [InlineData("{}")]
    [InlineData("{\"action\":42}")]
    [InlineData("{\"action\":\"subscribe\",\"orgId\":{\"nested\":true}}")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}}}")]
    public async Task InvalidMessage_GetsErrorFrame4000_AndTheSocketKeepsWorking(string frame)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));

        await socket.SendTextAsync(frame);
        var error = await socket.ReceiveAsync();
        Assert.Equal("error", (string?)error["type"]);
        Assert.Equal(4000, (int)error["code"]!);
        Assert.Equal("INVALID_MESSAGE", (string?)error["message"]);

        await socket.SubscribeUserAsync(tenant.OrgId, "u1");
        Assert.Equal("presence_update", (string?)(await socket.ReceiveAsync())["type"]);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task BinaryFrame_ClosesWith1003()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        await socket.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary);
        await socket.ExpectErrorAndCloseAsync(1003, "UNSUPPORTED_DATA");
    }

    [Fact]
    public async Task OversizedFrame_ClosesWith1009()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var socket = await host.ConnectAsync(tenant.UserPath("u1"));
        var huge = "{\"action\":\"subscribe\",\"pad\":\"" + new string('x', 10_000) + "\"}";
        await socket.SendRawAsync(Encoding.UTF8.GetBytes(huge), WebSocketMessageType.Text);
        await socket.ExpectErrorAndCloseAsync(1009, "MESSAGE_TOO_BIG");
    }

    [Fact]
    public async Task HostileSockets_DoNotDisturbAWellBehavedSubscriber()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await using var good = await host.ConnectAsync(tenant.UserPath("u1"));
        await good.SubscribeUserAsync(tenant.OrgId, "u1");
        var seq = (long)(await good.ReceiveAsync())["seq"]!;

        var random = new Random(7);
        var hostile = new List<PresenceSocket>();
        for (var i = 0; i < 5; i++) hostile.Add(await host.ConnectAsync(tenant.UserPath("u1")));
        for (var round = 0; round < 40; round++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            var socket = hostile[round % hostile.Count];
            if (socket.State != WebSocketState.Open) continue;
            try
            {
                await socket.SendRawAsync(bytes, round % 3 == 0 ? WebSocketMessageType.Binary : WebSocketMessageType.Text);
            }
            catch (WebSocketException)
            {
                // The server may already have closed this socket; that is the point.
            }
            await tenant.SetPresenceAsync("u1", round % 2 == 0 ? "busy" : "available");
            var update = await good.ReceiveAsync();
            Assert.Equal(++seq, (long)update["seq"]!);
        }
        foreach (var socket in hostile) await socket.DisposeAsync();

        Assert.Equal(WebSocketState.Open, good.State);
        var health = await host.Management.GetAsync("/health/live");
        Assert.True(health.IsSuccessStatusCode);
    }
}
