using FreedomCti.Presence.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>
/// The organisation socket in a real browser: the wallboard watches its group on /organisation/{orgId}, a refused
/// group is an error frame naming it, and one client in the page carries several topics on one socket.
/// </summary>
[Collection(BoardCollection.Name)]
public sealed class WallboardSocketTests(BoardFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task Board_WatchesItsGroupOnTheOrganisationSocket()
    {
        await using var board = await fixture.Browser.NewPageAsync();
        var recorder = SocketRecorder.On(board.Page);
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor));
        await board.WaitUntilLiveAsync();

        var socket = Assert.Single(recorder.Sockets);
        Assert.Equal($"/organisation/{GatewayProcess.OrgId}", socket.Url.AbsolutePath);
        var subscribe = Assert.Single(socket.Sent, f => (string?)f["action"] == "subscribe");
        Assert.Equal(GatewayProcess.GroupId, (string?)subscribe["groupId"]);
        Assert.Contains(socket.Received, f => (string?)f["type"] == "group_presence_update" && (bool?)f["snapshot"] == true
            && (string?)f["data"]!["groupId"] == GatewayProcess.GroupId);

        var current = await board.Row("user-004").GetAttributeAsync("data-status");
        var next = current == "away" ? "busy" : "away";
        await Gateway.SetPresenceAsync("user-004", next);
        await Assertions.Expect(board.Row("user-004")).ToHaveAttributeAsync("data-status", next, new() { Timeout = 10_000 });
        Assert.Single(recorder.Sockets);
    }

    [Fact]
    public async Task AgentOutsideTheGroup_IsRefusedByAnErrorNamingTheGroup_AndTheBoardSaysSo()
    {
        await using var board = await fixture.Browser.NewPageAsync();
        var recorder = SocketRecorder.On(board.Page);
        await board.GotoAsync(Gateway.BoardUrl(fixture.Tokens.Mint(GatewayProcess.OrgId, "user-67890", "agent")));

        await Assertions.Expect(board.ByTestId("error")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Equal("4006", await board.ByTestId("error").GetAttributeAsync("data-code"));
        var socket = Assert.Single(recorder.Sockets);
        var error = Assert.Single(socket.Received, f => (string?)f["type"] == "error");
        Assert.Equal(4006, (int)error["code"]!);
        Assert.Equal(GatewayProcess.GroupId, (string?)error["groupId"]);
        Assert.Equal(GatewayProcess.OrgId, (string?)error["orgId"]);
    }

    [Fact]
    public async Task OneClientInThePage_CarriesAUserAndAGroupOnOneSocket_AndUnsubscribingOneKeepsTheOther()
    {
        await using var page = await fixture.Browser.NewPageAsync();
        var recorder = SocketRecorder.On(page.Page);
        await page.GotoAsync($"{Gateway.Address}wallboard"); // any page of the gateway: same origin, the client at /client/
        var before = recorder.Sockets.Count;

        // The JavaScript client as a page loads it; the handle stays in the page for the next steps.
        await page.Page.EvaluateAsync("""
            async ([token, orgId, groupId]) => {
              const { connect } = await import('/client/index.js');
              const client = connect({ url: location.origin, token });
              const user = client.subscribeUser(orgId, 'user-001', () => {});
              const group = client.subscribeGroup(orgId, groupId, () => {});
              window.__presence = { client, user, group };
              await new Promise((resolve, reject) => {
                const check = () => user.status === 'live' && group.status === 'live';
                const timer = setTimeout(() => reject(new Error(`not live: ${user.status}, ${group.status}`)), 15000);
                const poll = () => check() ? (clearTimeout(timer), resolve()) : setTimeout(poll, 20);
                poll();
              });
            }
            """, new[] { Gateway.Supervisor, GatewayProcess.OrgId, GatewayProcess.GroupId });

        var socket = Assert.Single(recorder.Sockets.Skip(before));
        Assert.Equal($"/organisation/{GatewayProcess.OrgId}", socket.Url.AbsolutePath);
        Assert.Equal(2, socket.Sent.Count(f => (string?)f["action"] == "subscribe"));

        await page.Page.EvaluateAsync("() => window.__presence.user.unsubscribe()");
        var current = await page.Page.EvaluateAsync<string>("() => window.__presence.group.state.members.find(m => m.userId === 'user-005').status");
        var next = current == "dnd" ? "available" : "dnd";
        await Gateway.SetPresenceAsync("user-005", next);
        await page.Page.WaitForFunctionAsync($"() => window.__presence.group.state.members.find(m => m.userId === 'user-005').status === '{next}'",
            null, new() { Timeout = 10_000 });

        Assert.Single(recorder.Sockets.Skip(before));
        Assert.Contains(socket.Sent, f => (string?)f["action"] == "unsubscribe" && (string?)f["userId"] == "user-001");
        Assert.Contains(socket.Received, f => (string?)f["type"] == "unsubscribed" && (string?)f["userId"] == "user-001");
        await page.Page.EvaluateAsync("() => window.__presence.client.close()");
    }
}
