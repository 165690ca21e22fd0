using System.Net.Http.Json;
using FreedomCti.Presence.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests;

/// <summary>
/// ?alarm= on a board that runs unattended (issue 13): flash once per turn to red, sound that never breaks the page
/// when the browser blocks audio (no user gesture on a wall), a refusal text for an unknown value, and red that is
/// never shown by colour alone.
/// </summary>
[Collection(BoardCollection.Name)]
public sealed class WallboardAlarmTests(BoardFixture fixture)
{
    // Calls waiting is red from 2 (amber from 1); the longest wait and the service level (abandoned calls) stay out of the way.
    private const string Thresholds = "&waitingAmber=1&waitingRed=2&longestAmber=3600&longestRed=7200&serviceLevelAmber=0&serviceLevelRed=0";

    /// <summary>
    /// Counts, per data-testid, how often the page adds the alarm-flash class, and how many tones it starts; installed
    /// before the page's scripts run. Counting the adds (not the class) is what tells one flash per turn from a flash per redraw.
    /// </summary>
    private const string Instrument = """
        (() => {
          const owners = new WeakMap();
          const classList = Object.getOwnPropertyDescriptor(Element.prototype, 'classList');
          Object.defineProperty(Element.prototype, 'classList', {
            configurable: true,
            get() { const list = classList.get.call(this); owners.set(list, this); return list; },
          });
          const add = DOMTokenList.prototype.add;
          window.__flashes = {};
          DOMTokenList.prototype.add = function (...tokens) {
            if (tokens.includes('alarm-flash')) {
              const id = owners.get(this)?.dataset?.testid ?? '?';
              window.__flashes[id] = (window.__flashes[id] ?? 0) + 1;
            }
            return add.apply(this, tokens);
          };
          window.__tones = 0;
          if (window.OscillatorNode) {
            const start = OscillatorNode.prototype.start;
            OscillatorNode.prototype.start = function (...args) { window.__tones++; return start.apply(this, args); };
          }
        })();
        """;

    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task Flash_OncePerTurnToRed_NotOnEveryRedraw_AndRedIsSaidInWords()
    {
        const string group = "group-alarm-flash";
        await CreateGroupAsync(group);
        await using var board = await OpenAsync(group, "&alarm=flash");
        var waiting = board.ByTestId("queue-waiting");

        await EnqueueAsync(group, "f1");
        await ExpectWaitingAsync(board, "1", "amber");
        Assert.Equal(0, await FlashesAsync(board));

        await EnqueueAsync(group, "f2");
        await ExpectWaitingAsync(board, "2", "red");
        await Assertions.Expect(waiting).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\balarm-flash\b"));
        Assert.Equal(1, await FlashesAsync(board));
        // Not by colour alone: the level in words, and a warning sign before it.
        await Assertions.Expect(waiting.Locator(".level-text")).ToHaveTextAsync("(Critical)");
        var sign = await waiting.Locator(".level-text").EvaluateAsync<string>("e => getComputedStyle(e, '::before').content");
        Assert.Contains("⚠", sign);

        // Still red: a redraw does not flash again.
        await EnqueueAsync(group, "f3");
        await ExpectWaitingAsync(board, "3", "red");
        Assert.Equal(1, await FlashesAsync(board));

        // Down to amber, then red again: a second turn, a second flash.
        await DequeueAsync(group, "f3");
        await DequeueAsync(group, "f2");
        await ExpectWaitingAsync(board, "1", "amber");
        await Assertions.Expect(waiting.Locator(".level-text")).ToHaveTextAsync("(High)");
        await EnqueueAsync(group, "f4");
        await ExpectWaitingAsync(board, "2", "red");
        Assert.Equal(2, await FlashesAsync(board));

        Assert.Equal(new Dictionary<string, int> { ["queue-waiting"] = 2 }, await board.Page.EvaluateAsync<Dictionary<string, int>>("() => window.__flashes"));
        Assert.DoesNotContain("[pageerror]", board.Console);
    }

    [Fact]
    public async Task ServiceLevel_BelowItsTargets_TurnsAmberThenRed_InWords_AndFlashesOnce()
    {
        const string group = "group-alarm-service";
        await CreateGroupAsync(group);
        await using var board = await fixture.Browser.NewPageAsync(1600, 900);
        await board.Page.AddInitScriptAsync(Instrument);
        // Calls waiting never alarms here; the service level is amber below 80 %, red below 40 %.
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor, group,
            "&waitingAmber=50&waitingRed=60&longestAmber=3600&longestRed=7200&serviceLevelAmber=80&serviceLevelRed=40&alarm=flash"));
        await board.WaitUntilLiveAsync();
        var metric = board.ByTestId("queue-service-level");

        await EnqueueAsync(group, "a1");
        await SendOkAsync(HttpMethod.Delete, $"/organisation/{GatewayProcess.OrgId}/user-group/{group}/queue/calls/a1?reason=answered");
        await ExpectServiceLevelAsync(board, group, "ok");
        await Assertions.Expect(board.ByTestId("queue-service-level-scope")).ToContainTextAsync("last 15 min, answered ≤ 20 s");

        await EnqueueAsync(group, "a2");
        await DequeueAsync(group, "a2"); // abandoned: 1 of 2 answered in time, 50 %
        await ExpectServiceLevelAsync(board, group, "amber");
        await Assertions.Expect(metric.Locator(".level-text")).ToHaveTextAsync("(High)");
        Assert.Equal(0, await FlashesAsync(board));

        await EnqueueAsync(group, "a3");
        await DequeueAsync(group, "a3"); // 1 of 3: red
        await ExpectServiceLevelAsync(board, group, "red");
        await Assertions.Expect(metric.Locator(".level-text")).ToHaveTextAsync("(Critical)");
        Assert.Contains("⚠", await metric.Locator(".level-text").EvaluateAsync<string>("e => getComputedStyle(e, '::before').content"));
        Assert.Equal(new Dictionary<string, int> { ["queue-service-level"] = 1 }, await board.Page.EvaluateAsync<Dictionary<string, int>>("() => window.__flashes"));
        Assert.DoesNotContain("[pageerror]", board.Console);
    }

    /// <summary>The headline service level shows the REST snapshot's window figure, at the expected level.</summary>
    private async Task ExpectServiceLevelAsync(WallboardPage board, string group, string level)
    {
        using var response = await Gateway.Admin.GetAsync($"/organisation/{GatewayProcess.OrgId}/user-group/{group}");
        Assert.True(response.IsSuccessStatusCode, $"GET group: {(int)response.StatusCode}");
        var rest = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var percent = rest.GetProperty("queueMetrics").GetProperty("window").GetProperty("serviceLevel").GetDouble();
        await Assertions.Expect(board.ByTestId("queue-service-level-value")).ToHaveTextAsync($"{percent}%", new() { Timeout = 10_000 });
        await Assertions.Expect(board.ByTestId("queue-service-level")).ToHaveAttributeAsync("data-level", level);
    }

    [Fact]
    public async Task Sound_WithoutAUserGesture_DoesNotBreakThePage()
    {
        const string group = "group-alarm-sound";
        await CreateGroupAsync(group);
        await using var board = await OpenAsync(group, "&alarm=sound");

        await EnqueueAsync(group, "s1");
        await EnqueueAsync(group, "s2");
        await ExpectWaitingAsync(board, "2", "red");
        // The tone was tried (audio may well be suspended: nobody clicked this page), and nothing flashed.
        await board.Page.WaitForFunctionAsync("() => window.__tones >= 1", null, new() { Timeout = 5_000 });
        Assert.Equal(0, await FlashesAsync(board));

        // The board goes on drawing after it.
        await EnqueueAsync(group, "s3");
        await ExpectWaitingAsync(board, "3", "red");
        await Assertions.Expect(board.ByTestId("link-state")).ToHaveAttributeAsync("data-state", "live");
        Assert.Equal(1, await board.Page.EvaluateAsync<int>("() => window.__tones"));
        Assert.DoesNotContain("[pageerror]", board.Console);
    }

    [Fact]
    public async Task UnknownAlarm_IsNamedInTheNotice_AndRaisesNothing()
    {
        const string group = "group-alarm-bogus";
        await CreateGroupAsync(group);
        await using var board = await OpenAsync(group, "&alarm=bogus");

        await Assertions.Expect(board.ByTestId("notice")).ToContainTextAsync("alarm=bogus is not sound or flash");
        await Assertions.Expect(board.ByTestId("notice")).ToContainTextAsync("Defaults used.");
        await EnqueueAsync(group, "b1");
        await EnqueueAsync(group, "b2");
        await ExpectWaitingAsync(board, "2", "red");
        await Assertions.Expect(board.ByTestId("queue-waiting").Locator(".level-text")).ToHaveTextAsync("(Critical)");
        Assert.Equal(0, await FlashesAsync(board));
        Assert.Equal(0, await board.Page.EvaluateAsync<int>("() => window.__tones"));
        Assert.DoesNotContain("[pageerror]", board.Console);
    }

    private async Task<WallboardPage> OpenAsync(string group, string alarm)
    {
        var board = await fixture.Browser.NewPageAsync(1600, 900);
        await board.Page.AddInitScriptAsync(Instrument);
        await board.GotoAsync(Gateway.BoardUrl(Gateway.Supervisor, group, Thresholds + alarm));
        await board.WaitUntilLiveAsync();
        await ExpectWaitingAsync(board, "0", "ok");
        return board;
    }

    private static async Task ExpectWaitingAsync(WallboardPage board, string value, string level)
    {
        await Assertions.Expect(board.ByTestId("queue-waiting-value")).ToHaveTextAsync(value, new() { Timeout = 10_000 });
        await Assertions.Expect(board.ByTestId("queue-waiting")).ToHaveAttributeAsync("data-level", level);
    }

    private static Task<int> FlashesAsync(WallboardPage board) =>
        board.Page.EvaluateAsync<int>("() => Object.values(window.__flashes).reduce((a, b) => a + b, 0)");

    private async Task CreateGroupAsync(string group)
    {
        var agent = group + "-agent";
        using var import = await Gateway.Admin.PutAsJsonAsync($"/organisation/{GatewayProcess.OrgId}/directory", new
        {
            users = new[] { new { userId = agent, displayName = "Alarm agent" } },
            groups = new[] { new { groupId = group, groupName = "Alarm " + group[12..], members = new[] { agent } } },
        });
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
    }

    private Task EnqueueAsync(string group, string call) =>
        SendOkAsync(HttpMethod.Post, $"/organisation/{GatewayProcess.OrgId}/user-group/{group}/queue/calls", new { callId = call });

    private Task DequeueAsync(string group, string call) =>
        SendOkAsync(HttpMethod.Delete, $"/organisation/{GatewayProcess.OrgId}/user-group/{group}/queue/calls/{call}?reason=abandoned");

    private async Task SendOkAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Gateway.Admin.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
