using FreedomCti.Presence.Browser.Tests.Infrastructure;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>Demo:Activity keeps the demo Sales Team moving, and the open board follows without a reload.</summary>
public sealed class DemoActivityTests
{
    [Fact]
    public async Task DemoActivity_WhenOn_ChangesTheBoard_WithoutAReload()
    {
        var tokens = new TestTokens();
        await using var gateway = await GatewayProcess.StartAsync(tokens, null, "--Demo:Activity=true", "--Demo:ActivityInterval=00:00:00.250");
        await using var browser = await WallboardBrowser.LaunchAsync();
        await using var board = await browser.NewPageAsync();
        await board.GotoAsync(gateway.BoardUrl(gateway.Supervisor));
        await board.WaitUntilLiveAsync();

        var first = await SnapshotAsync(board);
        var navigations = 0;
        board.Page.FrameNavigated += (_, _) => navigations++;
        await Poll.UntilAsync(async () => await SnapshotAsync(board) != first, TimeSpan.FromSeconds(20), "the demo activity to change the board");
        Assert.Equal(0, navigations);

        // Bounded: the queue never runs away and the counts still add up.
        var group = await gateway.GroupAsync();
        Assert.InRange(group.GetProperty("queueMetrics").GetProperty("callsWaiting").GetInt32(), 0, 7);
        Assert.Equal(12, group.GetProperty("summary").GetProperty("totalMembers").GetInt32());
    }

    /// <summary>Every row's user and status plus the waiting count, as one string.</summary>
    private static Task<string> SnapshotAsync(WallboardPage board) => board.Page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('[data-testid="member-row"]')].map(r => `${r.dataset.userId}=${r.dataset.status}`).join(',')
          + '|' + document.querySelector('[data-testid="queue-waiting-value"]').textContent
        """);
}
