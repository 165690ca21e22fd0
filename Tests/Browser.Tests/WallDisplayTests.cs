using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FreedomCti.Presence.Browser.Tests.Infrastructure;
using FreedomCti.Presence.Tests;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>
/// A wall display that runs unattended: set up once with a display link, it exchanges its credential for short-lived
/// tokens through several lifetimes and stays live, opens its socket with single-use tickets (no token in any URL or
/// in the console), and shows "display revoked" once an admin revokes it.
/// </summary>
[Collection(BoardCollection.Name)]
public sealed class WallDisplayTests(BoardFixture fixture)
{
    /// <summary>Display tokens of this gateway live 4 s, so the board renews about every 2 s.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Display_StaysLiveThroughSeveralTokenLifetimes_WithoutATokenInAnyUrl_AndShowsRevoked()
    {
        await using var gateway = await GatewayProcess.StartAsync(fixture.Tokens, null, $"--Auth:DisplayTokenLifetime={TokenLifetime:c}");
        using var issued = await gateway.Admin.PostAsJsonAsync($"/organisation/{GatewayProcess.OrgId}/displays",
            new { name = "Sales floor, east wall", groups = new[] { GatewayProcess.GroupId } });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var display = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var credential = display.GetProperty("credential").GetString()!;

        await using var board = await fixture.Browser.NewPageAsync(1920, 1080);
        var recorder = SocketRecorder.On(board.Page);
        var exchanges = new ConcurrentQueue<DateTimeOffset>();
        var urls = new ConcurrentQueue<string>();
        board.Page.Request += (_, request) =>
        {
            urls.Enqueue(request.Url);
            if (request.Url.EndsWith("/display/token", StringComparison.Ordinal)) exchanges.Enqueue(DateTimeOffset.UtcNow);
        };
        await board.GotoAsync($"{gateway.Address}wallboard/{GatewayProcess.OrgId}/{GatewayProcess.GroupId}#display={Uri.EscapeDataString(credential)}");
        await board.WaitUntilLiveAsync();
        Assert.DoesNotContain("display=", board.Page.Url); // the setup link's secret leaves the address bar at once

        // Three renewals after the first token: the board went through three lifetimes' worth of tokens.
        await Poll.UntilAsync(() => exchanges.Count >= 4, TokenLifetime * 6, () => $"4 token exchanges (saw {exchanges.Count})");
        var current = await board.Row("user-004").GetAttributeAsync("data-status");
        var next = current == "away" ? "busy" : "away";
        await gateway.SetPresenceAsync("user-004", next);
        await Assertions.Expect(board.Row("user-004")).ToHaveAttributeAsync("data-status", next, new() { Timeout = 10_000 });
        Assert.Equal("live", await board.ByTestId("link-state").GetAttributeAsync("data-state"));

        // Sockets opened with tickets; no URL the page requested and nothing it logged carries a token or the credential.
        Assert.NotEmpty(recorder.Sockets);
        Assert.All(recorder.Sockets, s => Assert.Contains("ticket=", s.Url.Query));
        Assert.DoesNotContain(urls, u => u.Contains("access_token", StringComparison.OrdinalIgnoreCase) || u.Contains(credential[^16..], StringComparison.Ordinal));
        Assert.DoesNotContain("access_token", board.Console, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("eyJ", board.Console, StringComparison.Ordinal); // no JWT
        Assert.DoesNotContain(credential[^16..], board.Console, StringComparison.Ordinal);

        // Revoked: the next renewal is refused and the board says so instead of showing figures nobody updates.
        var displayId = display.GetProperty("displayId").GetString()!;
        using (var revoked = await gateway.Admin.DeleteAsync($"/organisation/{GatewayProcess.OrgId}/displays/{displayId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        await Assertions.Expect(board.ByTestId("error")).ToHaveAttributeAsync("data-code", "display-revoked", new() { Timeout = (float)(TokenLifetime * 4).TotalMilliseconds });
        Assert.Equal("revoked", await board.ByTestId("link-state").GetAttributeAsync("data-state"));
    }
}
