using System.Net.Http.Json;
using System.Text.Json;
using FreedomCti.Presence.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>
/// The figures supervisors manage by (issue 13) on the board: time in status and the reason per row, logged in against
/// available, the longest-idle agent, the service level over the window and today; each equal to the REST snapshot.
/// </summary>
[Collection(BoardCollection.Name)]
public sealed class WallboardFiguresTests(BoardFixture fixture)
{
    // A group of its own: the demo group's agents are changed by other tests of this collection.
    private const string Group = "group-figures";
    private static readonly string[] Agents = ["fig-1", "fig-2", "fig-3", "fig-4"];
    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task Figures_AreShown_AndEqualTheRestSnapshot()
    {
        await CreateGroupAsync();
        await PutPresenceAsync("fig-1", "available");
        await PutPresenceAsync("fig-2", "away", "Lunch");
        await PutPresenceAsync("fig-3", "available");
        var calls = $"/organisation/{GatewayProcess.OrgId}/user-group/{Group}/queue/calls";
        foreach (var call in new[] { "q1", "q2", "q3" }) await SendOkAsync(HttpMethod.Post, calls, new { callId = call });
        await SendOkAsync(HttpMethod.Delete, $"{calls}/q1?reason=answered&answeredBy=fig-1");
        await SendOkAsync(HttpMethod.Delete, $"{calls}/q2?reason=answered");
        await SendOkAsync(HttpMethod.Delete, $"{calls}/q3?reason=abandoned");
        var rest = await GroupAsync();
        var summary = rest.GetProperty("summary");
        var queue = rest.GetProperty("queueMetrics");

        await using var board = await fixture.Browser.NewPageAsync(1600, 900);
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor, Group));
        await board.WaitUntilLiveAsync();

        // Logged in / available, and who has been available longest (by name, as the board shows people).
        await Assertions.Expect(board.ByTestId("figure-logged-in"))
            .ToContainTextAsync($"{summary.GetProperty("loggedIn").GetInt32()} / {summary.GetProperty("available").GetInt32()}", new() { Timeout = 10_000 });
        Assert.Equal("fig-1", summary.GetProperty("longestIdle").GetProperty("userId").GetString());
        await Assertions.Expect(board.ByTestId("figure-longest-idle")).ToContainTextAsync("Figures 1");

        // Service level: the window's is the headline; today's with the counts; the threshold beside them.
        var window = queue.GetProperty("window");
        var today = queue.GetProperty("today");
        await Assertions.Expect(board.ByTestId("queue-service-level-value")).ToHaveTextAsync($"{window.GetProperty("serviceLevel").GetDouble()}%");
        await Assertions.Expect(board.ByTestId("figure-window")).ToContainTextAsync(
            $"last {window.GetProperty("minutes").GetInt32()} min (answered ≤ {queue.GetProperty("serviceLevelThresholdSeconds").GetInt32()} s)");
        await Assertions.Expect(board.ByTestId("figure-window")).ToContainTextAsync(
            $"{window.GetProperty("answered").GetInt32()} answered · {window.GetProperty("abandoned").GetInt32()} abandoned ({window.GetProperty("abandonRate").GetDouble()}%)");
        await Assertions.Expect(board.ByTestId("figure-today")).ToContainTextAsync(
            $"{today.GetProperty("serviceLevel").GetDouble()}% · {today.GetProperty("answered").GetInt32()} answered · {today.GetProperty("abandoned").GetInt32()} abandoned");

        // Per row: the reason while away, and time in status counted from the statusSince REST gives.
        var away = board.Row("fig-2");
        await Assertions.Expect(away.Locator("[data-testid=\"status-message\"]")).ToHaveTextAsync("Lunch");
        Assert.Equal(0, await board.Row("fig-1").Locator("[data-testid=\"status-message\"]").CountAsync());
        foreach (var member in rest.GetProperty("members").EnumerateArray())
        {
            var since = DateTimeOffset.Parse(member.GetProperty("statusSince").GetString()!).ToUnixTimeMilliseconds();
            var cell = board.Row(member.GetProperty("userId").GetString()!).Locator("[data-testid=\"time-in-status\"]");
            await Assertions.Expect(cell).ToHaveAttributeAsync("data-status-since", since.ToString());
        }

        // A live change moves the figures without a reload: the longest idle takes a call elsewhere (busy).
        await PutPresenceAsync("fig-1", "busy", "Wrap-up");
        await Assertions.Expect(board.ByTestId("figure-longest-idle")).ToContainTextAsync("Figures 3", new() { Timeout = 10_000 });
        await Assertions.Expect(board.Row("fig-1").Locator("[data-testid=\"status-message\"]")).ToHaveTextAsync("Wrap-up");
        var after = (await GroupAsync()).GetProperty("summary");
        await Assertions.Expect(board.ByTestId("figure-logged-in"))
            .ToContainTextAsync($"{after.GetProperty("loggedIn").GetInt32()} / {after.GetProperty("available").GetInt32()}");
    }

    private async Task CreateGroupAsync()
    {
        using var import = await Gateway.Admin.PutAsJsonAsync($"/organisation/{GatewayProcess.OrgId}/directory", new
        {
            users = Agents.Select(id => new { userId = id, displayName = $"Figures {id[4..]}" }),
            groups = new[] { new { groupId = Group, groupName = "Figures", members = Agents } },
        });
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
    }

    private async Task PutPresenceAsync(string userId, string status, string? statusMessage = null) =>
        await SendOkAsync(HttpMethod.Put, $"/organisation/{GatewayProcess.OrgId}/user/{userId}/presence", new { status, statusMessage });

    private async Task SendOkAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Gateway.Admin.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonElement> GroupAsync()
    {
        using var response = await Gateway.Admin.GetAsync($"/organisation/{GatewayProcess.OrgId}/user-group/{Group}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
    }
}
