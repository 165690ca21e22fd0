namespace FreedomCti.Presence.Browser.Tests.Infrastructure;

/// <summary>One gateway process and one Chromium shared by a test collection; both are stopped at the end.</summary>
public sealed class BoardFixture : IAsyncLifetime
{
    public TestTokens Tokens { get; } = new();
    public GatewayProcess Gateway { get; private set; } = null!;
    public WallboardBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await GatewayProcess.StartAsync(Tokens);
        Browser = await WallboardBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        if (Gateway is not null) await Gateway.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BoardCollection : ICollectionFixture<BoardFixture>
{
    public const string Name = "board";
}
