using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace FreedomCti.Presence.Browser.Tests.Infrastructure;

/// <summary>
/// Headless Chromium through Playwright, using the system's browser (/usr/bin/chromium, which test.sh installs);
/// Playwright's own browser download is never used. Pages keep their console output for failure messages.
/// </summary>
public sealed class WallboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private WallboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<WallboardBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh (it installs Debian's chromium) or `apt-get install -y chromium`.");
        }
        var playwright = await Playwright.CreateAsync().WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Timeout = 60_000,
                // Chromium refuses to start its sandbox as root (CI containers); elsewhere the sandbox stays on.
                Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
            });
            return new WallboardBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context (own sessionStorage) and page, sized like a wall display unless told.</summary>
    public async Task<WallboardPage> NewPageAsync(int width = 1600, int height = 900)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue($"[{message.Type}] {message.Text}");
        page.PageError += (_, error) => console.Enqueue($"[pageerror] {error}");
        return new WallboardPage(context, page, console);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}

/// <summary>One page of one browser context; disposing closes the context (and its sockets).</summary>
public sealed class WallboardPage(IBrowserContext context, IPage page, ConcurrentQueue<string> console) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public ILocator ByTestId(string testId) => Page.Locator($"[data-testid=\"{testId}\"]");

    public ILocator Row(string userId) => Page.Locator($"[data-testid=\"member-row\"][data-user-id=\"{userId}\"]");

    public string Console => string.Join('\n', console);

    public async Task GotoAsync(string url) => await Page.GotoAsync(url, new PageGotoOptions { Timeout = 30_000 });

    /// <summary>Waits (bounded) until the board has drawn the group and its link is live.</summary>
    public async Task WaitUntilLiveAsync(TimeSpan? timeout = null)
    {
        try
        {
            await Page.WaitForSelectorAsync("[data-testid=\"link-state\"][data-state=\"live\"]",
                new PageWaitForSelectorOptions { Timeout = (float)(timeout ?? TimeSpan.FromSeconds(20)).TotalMilliseconds });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The board did not go live. Page console:\n{Console}", ex);
        }
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}
