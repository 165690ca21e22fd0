using System.Net;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>The wallboard's addresses: a board and its files are served; any other /wallboard address is an HTML page saying so.</summary>
[Collection(GatewayCollection.Name)]
public sealed class WallboardPageTests(GatewayHost host)
{
    [Theory]
    [InlineData("/wallboard/org-12345/group-sales-team/extra")]
    [InlineData("/wallboard/nothing-here.js")]
    [InlineData("/wallboard/a/b/c/d")]
    public async Task UnknownWallboardAddress_IsAnHtml404Page_NotAProblemDocument(string path)
    {
        using var response = await host.Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No wallboard here", body);
        Assert.Contains("href=\"/wallboard\"", body);
        Assert.True(response.Headers.Contains("Content-Security-Policy"), "the page carries the wallboard's security headers");
    }

    [Fact]
    public async Task UnknownWallboardAddress_EchoesThePathEncoded()
    {
        using var response = await host.Http.GetAsync("/wallboard/%3Cscript%3Ealert(1)%3C%2Fscript%3E/x/y");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("<script>", body);
    }

    [Fact]
    public async Task Board_AndItsFiles_AreStillServed()
    {
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/wallboard/org-12345/group-sales-team")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/wallboard/board.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/wallboard")).StatusCode);
    }
}
