using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FreedomCti.Presence.Browser.Tests.Infrastructure;
using FreedomCti.Presence.Tests;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>
/// A 200-agent team on a 1920x1080 wall: columns, pages with an indicator, a stable order, the "Needs attention"
/// strip; kiosk mode; the HTML 404 page. Writes docs/images/wallboard-200-agents.png.
/// </summary>
[Collection(BoardCollection.Name)]
public sealed class WallboardLayoutTests(BoardFixture fixture, ITestOutputHelper output)
{
    private const string BigGroup = "group-big-floor";
    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task TwoHundredAgents_PageInThreeColumns_InAStableOrder_WithAttentionAlwaysVisible()
    {
        await EnsureBigTeamAsync();
        await using var board = await fixture.Browser.NewPageAsync(1920, 1080);
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor, BigGroup, "&page=3"));
        await board.WaitUntilLiveAsync();
        var rows = board.Page.Locator("[data-testid=\"member-row\"]");
        await Assertions.Expect(rows).ToHaveCountAsync(200, new() { Timeout = 15_000 });

        Assert.Equal("3", await board.ByTestId("members").GetAttributeAsync("data-columns"));
        var indicator = board.ByTestId("page-indicator");
        await Assertions.Expect(indicator).ToBeVisibleAsync();
        var pages = int.Parse((await indicator.GetAttributeAsync("data-pages"))!);
        Assert.InRange(pages, 2, 10);
        await Assertions.Expect(indicator).ToHaveTextAsync($"Page 1 of {pages}");
        var png = Path.Combine(RepoRoot(), "docs", "images", "wallboard-200-agents.png");
        await board.Page.ScreenshotAsync(new() { Path = png });

        // The visible rows of a page fit on the screen: none ends below the viewport.
        var lowest = await board.Page.EvaluateAsync<double>(
            "() => Math.max(...[...document.querySelectorAll('[data-testid=\"member-row\"]')].filter(r => !r.hidden).map(r => r.getBoundingClientRect().bottom))");
        Assert.True(lowest <= 1080, $"a row of page 1 ends at {lowest}px, below a 1080px screen");

        // Order by name, and it does not move when a status changes.
        var before = await RowOrderAsync(board);
        Assert.Equal(before.OrderBy(id => Name(id), StringComparer.Ordinal).ToList(), before);
        await Gateway.SetPresenceAsync(UserId(7), "busy"); // was available
        await Assertions.Expect(board.Row(UserId(7))).ToHaveAttributeAsync("data-status", "busy", new() { Timeout = 10_000 });
        Assert.Equal(before, await RowOrderAsync(board));

        // Someone away on the last page is still on screen, in the strip, with the status in words.
        await Gateway.SetPresenceAsync(UserId(199), "away");
        var flagged = board.Page.Locator($"[data-testid=\"attention-item\"][data-user-id=\"{UserId(199)}\"]");
        await Assertions.Expect(flagged).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(flagged).ToContainTextAsync("Away");
        Assert.True(await board.Row(UserId(199)).IsHiddenAsync(), "the agent's row is on a later page");

        // Pages turn by themselves (?page=3 s) and come round to the first again.
        var shown = await indicator.GetAttributeAsync("data-page");
        await Assertions.Expect(indicator).Not.ToHaveAttributeAsync("data-page", shown!, new() { Timeout = 10_000 });
        await Assertions.Expect(indicator).ToHaveTextAsync($"Page 1 of {pages}", new() { Timeout = (pages + 2) * 3_000 });
        output.WriteLine($"{pages} pages; screenshot {png}");
    }

    [Fact]
    public async Task Kiosk_ShowsNoLinksOrFooter()
    {
        await using var board = await fixture.Browser.NewPageAsync(1920, 1080);
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor, query: "&kiosk=1"));
        await board.WaitUntilLiveAsync();
        Assert.Equal(0, await board.Page.Locator("a:visible").CountAsync());
        Assert.True(await board.Page.Locator(".board-footer").IsHiddenAsync());
    }

    [Fact]
    public async Task Rotate_OpensTheNextGroupOfTheList_AfterEverySeconds()
    {
        await EnsureBigTeamAsync();
        await using var board = await fixture.Browser.NewPageAsync(1920, 1080);
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor, query: $"&kiosk=1&rotate={GatewayProcess.GroupId},{BigGroup}&every=5"));
        await board.WaitUntilLiveAsync();
        await board.Page.WaitForURLAsync($"**/wallboard/{GatewayProcess.OrgId}/{BigGroup}?*", new() { Timeout = 20_000 });
        await board.WaitUntilLiveAsync(); // the token came along in sessionStorage
        await Assertions.Expect(board.ByTestId("group-name")).ToHaveTextAsync("Big Floor");
        Assert.Contains("kiosk=1", board.Page.Url);
    }

    [Theory]
    [InlineData("/wallboard/org-12345/group-sales-team/extra")]
    [InlineData("/wallboard/nothing-here.js")]
    [InlineData("/wallboard/a/b/c/d")]
    public async Task UnknownWallboardPath_AnswersAnHtml404Page(string path)
    {
        using var http = new HttpClient { BaseAddress = Gateway.Address };
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No wallboard here", await response.Content.ReadAsStringAsync());

        await using var page = await fixture.Browser.NewPageAsync();
        var answer = await page.Page.GotoAsync(new Uri(Gateway.Address, path).ToString());
        Assert.Equal(404, answer!.Status);
        await Assertions.Expect(page.ByTestId("not-found")).ToBeVisibleAsync();
    }

    private static string UserId(int i) => $"big-{i:D3}";

    // Names not in id order, so ordering by name is not ordering by id by accident.
    private static string Name(string userId) => $"Agent {(int.Parse(userId[4..]) * 37) % 200:D3}";

    private static async Task<List<string>> RowOrderAsync(WallboardPage board) =>
        [.. await board.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[data-testid=\"member-row\"]')].map(r => r.dataset.userId)")];

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _created;

    private async Task EnsureBigTeamAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_created) return;
            var ids = Enumerable.Range(0, 200).Select(UserId).ToList();
            using var import = await Gateway.Admin.PutAsJsonAsync($"/organisation/{GatewayProcess.OrgId}/directory", new
            {
                users = ids.Select(id => new { userId = id, displayName = Name(id), extension = $"5{id[4..]}" }),
                groups = new[] { new { groupId = BigGroup, groupName = "Big Floor", members = ids } },
            });
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
            await Poll.UntilAsync(async () =>
            {
                using var group = await Gateway.Admin.GetAsync($"/organisation/{GatewayProcess.OrgId}/user-group/{BigGroup}");
                if (!group.IsSuccessStatusCode) return false;
                var data = (await group.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
                return data.GetProperty("members").GetArrayLength() == 200;
            }, TimeSpan.FromSeconds(60), "the 200-agent group to be imported");
            // Mostly working, a few on a break or offline: what a real floor looks like.
            string[] mix = ["available", "available", "on_call", "on_call", "busy", "available", "on_call", "available", "busy", "on_call"];
            for (var i = 0; i < 200; i++)
            {
                var status = i % 41 == 3 ? "away" : i % 53 == 5 ? "dnd" : i % 67 == 9 ? "offline" : mix[i % mix.Length];
                await Gateway.SetPresenceAsync(UserId(i), status);
            }
            _created = true;
        }
        finally
        {
            Once.Release();
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FreedomCti.Orleans.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
