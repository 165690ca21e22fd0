using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>The contract's JavaScript examples, run as written in Node's browser-compatible WebSocket, against the gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class JavaScriptClientTests(GatewayHost host)
{
    [Fact]
    public async Task SpecExamples_InJavaScript_ReceiveSnapshotsThenChanges()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await tenant.SetPresenceAsync("u1", "on_call");
        var baseUrl = host.WebSocketAddress.ToString().TrimEnd('/');
        await using var node = NodeScript.Start("clients/spec-examples.mjs", baseUrl, GatewayHost.Token(tenant.OrgId), tenant.OrgId, "u1", "g1", "2");

        var userSnapshot = await node.WaitForAsync(l => (string?)l["socket"] == "user");
        var groupSnapshot = await node.WaitForAsync(l => (string?)l["socket"] == "group" && (string?)l["type"] == "group_presence_update");
        Assert.Equal("presence_update", (string?)userSnapshot["type"]);
        Assert.Equal("on_call", (string?)userSnapshot["data"]!["status"]);
        Assert.Equal(2, (int)groupSnapshot["data"]!["summary"]!["totalMembers"]!);

        await tenant.SetPresenceAsync("u1", "available");

        var user = await node.WaitForAsync(l => (string?)l["socket"] == "user" && (string?)l["type"] == "presence_update" && (bool?)l["snapshot"] == false);
        Assert.Equal("available", (string?)user["data"]!["status"]);
        Assert.Equal("on_call", (string?)user["data"]!["previousStatus"]);
        var member = await node.WaitForAsync(l => (string?)l["type"] == "member_presence_update");
        Assert.Equal("u1", (string?)member["data"]!["userId"]);
        Assert.Equal("on_call", (string?)member["data"]!["previousStatus"]);
        Assert.Equal(1, (int)member["data"]!["updatedSummary"]!["available"]!);
        Assert.Equal(0, await node.ExitCodeAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task BrowserStyleClient_SeesTheCloseCode_WhenRefused()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        var baseUrl = host.WebSocketAddress.ToString().TrimEnd('/');
        await using var node = NodeScript.Start("clients/spec-examples.mjs", baseUrl, GatewayHost.Tokens.Forged(tenant.OrgId), tenant.OrgId, "u1", "g1", "5");

        var error = await node.WaitForAsync(l => (string?)l["type"] == "error");
        Assert.Equal(4003, (int)error["code"]!);
        var closed = await node.WaitForAsync(l => l["closed"] is not null);
        Assert.Equal(4003, (int)closed["closed"]!);
        Assert.Equal("UNAUTHORIZED", (string?)closed["reason"]);
    }
}
