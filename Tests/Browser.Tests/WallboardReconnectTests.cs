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
        var tokens = new Tokens();
        await using var gateway = await GatewayProcess.StartAsync(tokens);
        await using var browser = await WallboardBrowser.LaunchAsync();
        await using var board = await browser.NewPageAsync();
        var recorder = SocketRecorder.On(board.Page);
        await board.GotoAsync(gateway.BoardUrl(gateway.Supervisor));
        await board.WaitUntilLiveAsync();
        var banner = board.ByTestId("reconnect-banner");
        Assert.False(await banner.IsVisibleAsync());

        await gateway.KillAsync();
        await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Equal("status", await banner.GetAttributeAsync("role"));
        Assert.Contains("reconnecting", await banner.TextContentAsync());

        var restarted = System.Diagnostics.Stopwatch.StartNew();
        await gateway.StartAsync(); // same port, same signing key: the page's token is still good
        try
        {
            await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 60_000 });
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

        // A change made after the restart reaches the page through the new socket.
        await gateway.SetPresenceAsync("user-001", "dnd");
        await Assertions.Expect(board.Row("user-001")).ToHaveAttributeAsync("data-status", "dnd", new() { Timeout = 10_000 });
    }
}
