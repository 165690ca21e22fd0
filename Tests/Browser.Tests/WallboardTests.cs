using System.Diagnostics;
using System.Text.Json;
using FreedomCti.Presence.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>The wallboard page in real headless Chromium against a real gateway process, through the real JS client.</summary>
[Collection(BoardCollection.Name)]
public sealed class WallboardTests(BoardFixture fixture, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["available"] = "Available", ["on_call"] = "On call", ["busy"] = "Busy",
        ["away"] = "Away", ["dnd"] = "Do not disturb", ["offline"] = "Offline",
    };

    private static readonly (string Tile, string Summary)[] Tiles =
    [
        ("available", "available"), ("on_call", "onCall"), ("busy", "busy"), ("away", "away"),
        ("dnd", "dnd"), ("offline", "offline"), ("total", "totalMembers"),
    ];

    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task Board_ShowsTheDemoGroup_TilesEqualTheRestSummary_TwelveLabelledRows()
    {
        await using var board = await OpenBoardAsync();

        Assert.Equal("Sales Team", await board.ByTestId("group-name").TextContentAsync());
        // The page may be a change behind a REST read taken at another moment: compare until equal, bounded.
        string[] differences = [];
        try
        {
            await Poll.UntilAsync(async () =>
            {
                var summary = (await Gateway.GroupAsync()).GetProperty("summary");
                var shown = new List<string>();
                foreach (var (tile, key) in Tiles)
                {
                    var text = await board.ByTestId($"count-{tile}").TextContentAsync();
                    if (text != summary.GetProperty(key).GetInt32().ToString()) shown.Add($"{tile}: page {text}, REST {summary.GetProperty(key)}");
                }
                differences = [.. shown];
                return differences.Length == 0;
            }, TimeSpan.FromSeconds(10), "the tiles to equal the REST summary");
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{ex.Message} {string.Join("; ", differences)}");
        }

        var rows = board.Page.Locator("[data-testid=\"member-row\"]");
        Assert.Equal(12, await rows.CountAsync());
        var members = (await Gateway.GroupAsync()).GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("userId").GetString()!);
        for (var i = 0; i < 12; i++)
        {
            var row = rows.Nth(i);
            var userId = await row.GetAttributeAsync("data-user-id");
            var status = await row.GetAttributeAsync("data-status");
            Assert.True(members.TryGetValue(userId!, out var member), $"row {userId} is not a member");
            Assert.Equal(member.GetProperty("status").GetString(), status);
            // Status is never colour alone: the row carries its label as text, and the extension.
            Assert.Equal(Labels[status!], await row.Locator("[data-testid=\"member-status\"]").TextContentAsync());
            Assert.Contains(member.GetProperty("extension").GetString()!, await row.InnerTextAsync());
        }
        await Assertions.Expect(board.Page.GetByRole(AriaRole.Heading, new() { Name = "Sales Team" })).ToBeVisibleAsync();
        await Assertions.Expect(board.Page.GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        Assert.DoesNotContain("token=", board.Page.Url); // the token left the address bar

        if (Environment.GetEnvironmentVariable("WALLBOARD_SCREENSHOT") is { Length: > 0 } path)
        {
            await board.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
        }
    }

    [Fact]
    public async Task PresenceChange_ThroughRest_AppearsWithinASecond()
    {
        await using var board = await OpenBoardAsync();
        var current = await board.Row("user-003").GetAttributeAsync("data-status");
        var next = current == "dnd" ? "away" : "dnd";

        // The page notes (in its own clock, the same system clock as ours) when the row shows the new status.
        await board.Page.EvaluateAsync("""
            ([userId, status]) => {
              window.__seenAt = null;
              const shows = () => document.querySelector(`[data-testid="member-row"][data-user-id="${userId}"][data-status="${status}"]`);
              const observer = new MutationObserver(() => { if (shows()) { window.__seenAt = Date.now(); observer.disconnect(); } });
              observer.observe(document.body, { subtree: true, childList: true, attributes: true });
            }
            """, new[] { "user-003", next });

        var sent = Stopwatch.StartNew();
        await Gateway.SetPresenceAsync("user-003", next);
        var ackedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ackAfter = sent.Elapsed;

        await board.Page.WaitForFunctionAsync("() => window.__seenAt !== null", null, new() { Timeout = 10_000 });
        var seenAt = await board.Page.EvaluateAsync<long>("() => window.__seenAt");
        var latency = TimeSpan.FromMilliseconds(Math.Max(0, seenAt - ackedAt));
        output.WriteLine($"REST ack after {ackAfter.TotalMilliseconds:F0} ms; DOM changed {seenAt - ackedAt} ms after the ack");

        Assert.True(latency < TimeSpan.FromSeconds(1), $"the change took {latency.TotalMilliseconds:F0} ms from the REST ack to the DOM");
        Assert.Equal(Labels[next], await board.Row("user-003").Locator("[data-testid=\"member-status\"]").TextContentAsync());
    }

    [Theory]
    [InlineData("agent-not-in-group", "You may not watch this group", 4006)]
    [InlineData("unknown-group", "This group does not exist", 4005)]
    public async Task TerminalError_ShowsAClearMessage(string scenario, string message, int code)
    {
        var (token, groupId) = scenario == "agent-not-in-group"
            ? (fixture.Tokens.Mint(GatewayProcess.OrgId, "user-67890", "agent"), GatewayProcess.GroupId)
            : (Gateway.Supervisor, "group-does-not-exist");
        await using var board = await fixture.Browser.NewPageAsync();
        await board.GotoAsync(Gateway.BoardUrl(token, groupId));

        var error = board.ByTestId("error");
        await Assertions.Expect(error).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Contains(message, await error.TextContentAsync());
        Assert.Equal(code.ToString(), await error.GetAttributeAsync("data-code"));
        Assert.Equal("alert", await error.GetAttributeAsync("role"));
        Assert.False(await board.ByTestId("reconnect-banner").IsVisibleAsync(), "a terminal error must not look like a reconnect");
    }

    [Fact]
    public async Task CallDuration_TicksForMembersOnACall()
    {
        await using var board = await OpenBoardAsync();
        var onCall = board.Page.Locator("[data-testid=\"member-row\"][data-status=\"on_call\"]").First;
        var cell = onCall.Locator("[data-testid=\"call-duration\"]");
        var first = Seconds(await cell.TextContentAsync());

        var later = first;
        await Poll.UntilAsync(async () => (later = Seconds(await cell.TextContentAsync())) >= first + 2,
            TimeSpan.FromSeconds(6), "the call duration to advance by two seconds");
        Assert.InRange(later, first + 2, first + 5);
        output.WriteLine($"call duration {first} s -> {later} s");
    }

    [Fact]
    public async Task QueueThresholds_FromTheQueryString_TurnAmberAndRed_WithText()
    {
        var waiting = (await Gateway.GroupAsync()).GetProperty("queueMetrics").GetProperty("callsWaiting").GetInt32();
        Assert.True(waiting >= 2, $"the demo queue has {waiting} calls; the test needs at least 2");

        await using var red = await fixture.Browser.NewPageAsync();
        await red.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor, query: $"&waitingAmber=1&waitingRed={waiting}"));
        await red.WaitUntilLiveAsync();
        await Assertions.Expect(red.ByTestId("queue-waiting")).ToHaveAttributeAsync("data-level", "red");
        await Assertions.Expect(red.ByTestId("queue-waiting")).ToContainTextAsync("Critical"); // not colour alone

        await using var amber = await fixture.Browser.NewPageAsync();
        await amber.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor, query: $"&waitingAmber={waiting}&waitingRed={waiting + 1}&longestRed=abc"));
        await amber.WaitUntilLiveAsync();
        await Assertions.Expect(amber.ByTestId("queue-waiting")).ToHaveAttributeAsync("data-level", "amber");
        await Assertions.Expect(amber.ByTestId("queue-waiting")).ToContainTextAsync("High");
        // A bad threshold is not silently taken: the page says it used the default.
        await Assertions.Expect(amber.ByTestId("notice")).ToContainTextAsync("longestRed=abc");
    }

    [Fact]
    public async Task Board_WithoutAToken_OffersThePasteBox_AndOpensWithAPastedToken()
    {
        await using var board = await fixture.Browser.NewPageAsync(1280, 800);
        await board.GotoAsync($"{Gateway.Address}wallboard/{GatewayProcess.OrgId}/{GatewayProcess.GroupId}");

        await Assertions.Expect(board.ByTestId("token-form")).ToBeVisibleAsync();
        await board.Page.GetByLabel("Bearer token (JWT) for this organisation").FillAsync(Gateway.Supervisor);
        await board.Page.GetByRole(AriaRole.Button, new() { Name = "Open the wallboard" }).ClickAsync();
        await board.WaitUntilLiveAsync();
        Assert.Equal(12, await board.Page.Locator("[data-testid=\"member-row\"]").CountAsync());
    }

    [Fact]
    public async Task StaticPages_NeedNoToken_AndCarrySecurityHeaders()
    {
        using var anonymous = new HttpClient { BaseAddress = Gateway.Address };
        foreach (var path in new[] { "/wallboard", $"/wallboard/{GatewayProcess.OrgId}/{GatewayProcess.GroupId}", "/wallboard/board.js", "/client/index.js" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}");
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Contains($"ws://{Gateway.Address.Authority}", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
        using var missing = await anonymous.GetAsync("/client/../Gateway.csproj");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Picker_ListsTheOrganisationsGroups_AndOpensOne()
    {
        await using var picker = await fixture.Browser.NewPageAsync(1280, 800);
        await picker.GotoAsync($"{Gateway.Address}wallboard?token={Uri.EscapeDataString(Gateway.Supervisor)}");

        var link = picker.ByTestId("group-link");
        await Assertions.Expect(link).ToHaveTextAsync(["Sales Team (group-sales-team)"]);
        await link.ClickAsync();
        await picker.WaitUntilLiveAsync();
        Assert.EndsWith($"/wallboard/{GatewayProcess.OrgId}/{GatewayProcess.GroupId}", picker.Page.Url);
    }

    [Fact]
    public async Task Picker_ShowsTheOrganisation_AndOpensAGroupById_WhileTheGroupListIsStillLoading()
    {
        await using var picker = await fixture.Browser.NewPageAsync(1280, 800);
        // The group list answers only after the click: a slow gateway must not turn "Open" into a reload of the picker.
        var listAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await picker.Page.RouteAsync("**/user-group", async route =>
        {
            listAsked.TrySetResult();
            await listHeld.Task;
            try { await route.ContinueAsync(); }
            catch (PlaywrightException) { } // the page has moved on to the board
        });
        try
        {
            await picker.GotoAsync($"{Gateway.Address}wallboard?token={Uri.EscapeDataString(Gateway.Supervisor)}");

            await Assertions.Expect(picker.ByTestId("org-name")).ToContainTextAsync("Example Contact Centre");
            Assert.DoesNotContain("token=", picker.Page.Url);
            await listAsked.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await picker.Page.GetByLabel("Group id").FillAsync(GatewayProcess.GroupId);
            await picker.Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
            await picker.WaitUntilLiveAsync(); // the token came along in sessionStorage
            Assert.EndsWith($"/wallboard/{GatewayProcess.OrgId}/{GatewayProcess.GroupId}", picker.Page.Url);
        }
        finally
        {
            listHeld.TrySetResult();
        }
    }

    [Theory]
    [InlineData(1920, 1080)] // a wall display: everything on one screen, no scrolling
    [InlineData(1280, 720)]  // a laptop
    [InlineData(390, 844)]   // a phone: may scroll down, never sideways
    public async Task Board_FitsTheScreen_WithoutSidewaysScrolling(int width, int height)
    {
        await using var board = await OpenBoardAsync(width, height);

        var size = await board.Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]");
        var (scrollWidth, scrollHeight) = (size[0], size[1]);
        Assert.True(scrollWidth <= width, $"the page is {scrollWidth} px wide in a {width} px window");
        if (width >= 1920) Assert.True(scrollHeight <= height, $"the wall display must not scroll: {scrollHeight} px in {height} px");
        await Assertions.Expect(board.ByTestId("count-total")).ToBeInViewportAsync();
        if (Environment.GetEnvironmentVariable("WALLBOARD_SCREENSHOT") is { Length: > 0 } path)
        {
            await board.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.ChangeExtension(path, $"{width}x{height}.png") });
        }
    }

    private async Task<WallboardPage> OpenBoardAsync(int width = 1600, int height = 900)
    {
        var board = await fixture.Browser.NewPageAsync(width, height);
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor));
        await board.WaitUntilLiveAsync();
        return board;
    }

    /// <summary>"2:25" or "1:02:05" as seconds.</summary>
    private static int Seconds(string? text) =>
        (text ?? "").Split(':').Aggregate(0, (total, part) => total * 60 + int.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
}
