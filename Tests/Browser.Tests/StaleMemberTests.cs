using System.Net;
using System.Net.Http.Json;
using FreedomCti.Presence.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>A member whose desktop went quiet (presence session lease ran out) is flagged on the board, in words.</summary>
[Collection(BoardCollection.Name)]
public sealed class StaleMemberTests(BoardFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task MemberWhoseSessionLapsed_ShowsNoSignal_UntilTheyLogOut()
    {
        var org = await Gateway.Admin.GetFromJsonAsync<OrgDocument>($"/organisation/{GatewayProcess.OrgId}");
        var enable = await Gateway.Admin.PutAsJsonAsync($"/organisation/{GatewayProcess.OrgId}", new
        {
            name = org!.Name,
            settings = new { sessions = new { enabled = true, leaseSeconds = 2, graceSeconds = 60, debounceMs = 0 } },
        });
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        await using var board = await fixture.Browser.NewPageAsync();
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor));
        await board.WaitUntilLiveAsync();

        var opened = await Gateway.Admin.PostAsJsonAsync($"/organisation/{GatewayProcess.OrgId}/user/user-012/sessions", new { device = "desktop", status = "available" });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var sessionId = (await opened.Content.ReadFromJsonAsync<OpenAnswer>())!.Session.SessionId;
        var row = board.Row("user-012");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "available", new() { Timeout = 10_000 });

        // No heartbeat: after the 2 s lease the member is stale; the row says so in text, not only in colour.
        await Assertions.Expect(row).ToHaveAttributeAsync("data-stale", "true", new() { Timeout = 10_000 });
        Assert.Equal("No signal", await row.Locator("[data-testid=\"stale-marker\"]").TextContentAsync());
        Assert.Equal("available", await row.GetAttributeAsync("data-status"));

        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.Admin.DeleteAsync($"/organisation/{GatewayProcess.OrgId}/user/user-012/sessions/{sessionId}")).StatusCode);
        await Gateway.SetPresenceAsync("user-012", "offline");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "offline", new() { Timeout = 10_000 });
        Assert.Equal("true", await row.GetAttributeAsync("data-stale")); // still in grace: a REST write applies but does not confirm a client
    }

    private sealed record OrgDocument(string Name);

    private sealed record OpenAnswer(SessionDocument Session);

    private sealed record SessionDocument(string SessionId);
}
