using FreedomCti.Presence.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>
/// The gateway dies under an open board and comes back on the same address: banner up, then down, then live again,
/// the new organisation socket subscribing with the last seq it saw (a resume).
/// </summary>
public sealed class WallboardReconnectTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ReconnectBanner_AppearsWhenTheGatewayDies_AndClearsWhenItIsBack()
    {
        var tokens = new TestTokens();
        await using var gateway = await GatewayProcess.StartAsync(tokens);
        await using var browser = await WallboardBrowser.LaunchAsync();
        await using var board = await browser.NewPageAsync();
        var recorder = SocketRecorder.On(board.Page);
        await board.GotoAsync(gateway.BoardUrl(gateway.Supervisor));
        await board.WaitUntilLiveAsync();
        var banner = board.ByTestId("reconnect-banner");
        Assert.False(await banner.IsVisibleAsync());

        // Jane Doe is on a call in the demo seed: her call time ticks while live.
        var callTime = board.Row("user-002").Locator("[data-testid=\"call-duration\"]");
        await Assertions.Expect(callTime).Not.ToBeEmptyAsync();

        await gateway.KillAsync();
        await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Equal("status", await banner.GetAttributeAsync("role"));
        Assert.Contains("reconnecting", await banner.TextContentAsync());

        // Not live, seen from across the room: words in the banner and the header, figures struck through and
        // dimmed, the banner over the board (it pushes no row down), timers stopped.
        Assert.Contains("NOT LIVE", await banner.TextContentAsync());
        Assert.Equal("false", await board.Page.Locator("body").GetAttributeAsync("data-live"));
        await Assertions.Expect(board.ByTestId("last-update")).ToContainTextAsync("Last update");
        Assert.Equal("fixed", await banner.EvaluateAsync<string>("b => getComputedStyle(b).position"));
        Assert.Contains("line-through", await board.ByTestId("count-total").EvaluateAsync<string>("c => getComputedStyle(c).textDecorationLine"));
        Assert.True(await board.Page.Locator("main").EvaluateAsync<double>("m => Number(getComputedStyle(m).opacity)") < 0.6);
        var frozen = await callTime.TextContentAsync();
        var pageNow = await board.Page.EvaluateAsync<double>("() => Date.now()");
        await board.Page.WaitForFunctionAsync("t => Date.now() > t", pageNow + 2_500, new() { PollingInterval = 100, Timeout = 10_000 });
        Assert.Equal(frozen, await callTime.TextContentAsync());

        var restarted = System.Diagnostics.Stopwatch.StartNew();
        await gateway.StartAsync(); // same port, same signing key: the page's token is still good
        var answering = System.Diagnostics.Stopwatch.StartNew(); // StartAsync returns once the gateway answers REST
        try
        {
            // Backoff capped at 2 s: live within 5 s of the gateway answering again.
            await Assertions.Expect(board.ByTestId("link-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 5_000 });
            output.WriteLine($"live {answering.ElapsedMilliseconds} ms after the gateway answered again");
            await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 5_000 });
            // Cleared because the link is live again, not because the board gave up (a terminal error also clears it).
            await Assertions.Expect(board.ByTestId("link-state")).ToHaveAttributeAsync("data-state", "live");
        }
        catch (PlaywrightException ex)
        {
            throw new TimeoutException($"The board did not come back live. Error shown: '{await board.ByTestId("error").TextContentAsync()}'. " +
                $"Page console:\n{board.Console}\n{gateway.Tail()}", ex);
        }
        output.WriteLine($"banner cleared {restarted.ElapsedMilliseconds} ms after the gateway process was started again (its start and seed included)");

        // The first socket's last group seq, sent again as lastSeq on the socket that went live.
        var sockets = recorder.Sockets;
        Assert.All(sockets, s => Assert.Equal($"/organisation/{GatewayProcess.OrgId}", s.Url.AbsolutePath));
        var lastSeen = sockets[0].Received.Where(f => f["seq"] is not null).Max(f => (long)f["seq"]!);
        var resubscribe = sockets[^1].Sent.First(f => (string?)f["action"] == "subscribe");
        Assert.Equal(GatewayProcess.GroupId, (string?)resubscribe["groupId"]);
        Assert.Equal(lastSeen, (long?)resubscribe["lastSeq"]);

        Assert.Equal("true", await board.Page.Locator("body").GetAttributeAsync("data-live"));
        await Assertions.Expect(callTime).Not.ToHaveTextAsync(frozen!, new() { Timeout = 5_000 }); // ticking again

        // A change made after the restart reaches the page through the new socket.
        await gateway.SetPresenceAsync("user-001", "dnd");
        await Assertions.Expect(board.Row("user-001")).ToHaveAttributeAsync("data-status", "dnd", new() { Timeout = 10_000 });
    }
}

/// <summary>A refused connection says why, in the gateway's words, not "connection lost".</summary>
public sealed class WallboardRefusalTests
{
    [Fact]
    public async Task ConnectionLimit_BannerSaysTheTokenHasTooManyOpenConnections()
    {
        var tokens = new TestTokens();
        await using var gateway = await GatewayProcess.StartAsync(tokens, null, "--Limits:MaxConnectionsPerUser=1");
        await using var browser = await WallboardBrowser.LaunchAsync();
        var token = gateway.Supervisor;
        await using var first = await browser.NewPageAsync();
        await first.GotoAsync(gateway.BoardUrl(token));
        await first.WaitUntilLiveAsync();

        await using var second = await browser.NewPageAsync();
        await second.GotoAsync(gateway.BoardUrl(token));
        var banner = second.ByTestId("reconnect-banner");
        await Assertions.Expect(banner).ToContainTextAsync("already has 1 open connections", new() { Timeout = 15_000 });
        Assert.Equal("4008", await banner.GetAttributeAsync("data-code"));
        Assert.DoesNotContain("connection lost", await banner.TextContentAsync());
    }
}
