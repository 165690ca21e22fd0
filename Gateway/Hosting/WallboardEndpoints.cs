using Microsoft.Net.Http.Headers;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// The supervisor wallboard: <c>/wallboard</c> (group picker), <c>/wallboard/{orgId}/{groupId}</c> (the board), the
/// page's files at <c>/wallboard/{file}</c> and the JavaScript client at <c>/client/…</c>. The pages need no bearer
/// token to load: the page itself carries the user's token to the socket and to the REST API.
/// </summary>
public static class WallboardEndpoints
{
    public static IEndpointRouteBuilder MapWallboard(this IEndpointRouteBuilder app)
    {
        var assets = WallboardAssets.FromAssembly(typeof(WallboardEndpoints).Assembly);
        app.MapGet("/wallboard", (HttpContext context) => Serve(context, assets, "wallboard/index.html"));
        // One segment with a dot is a file of the page; two segments are a board (ids cannot hold '/').
        app.MapGet("/wallboard/{file}", (HttpContext context, string file) => Serve(context, assets, $"wallboard/{file}"));
        app.MapGet("/wallboard/{orgId}/{groupId}", (HttpContext context) => Serve(context, assets, "wallboard/board.html"));
        // Anything else under /wallboard (a mistyped board address, three segments, a missing file): a page a person
        // can read on the wall, not the API's JSON. A fallback ranks below every other route.
        app.MapFallback("/wallboard/{**rest}", (HttpContext context) => NotFoundPage(context));
        app.MapGet("/client/{**path}", (HttpContext context, string path) => Serve(context, assets, $"client/{path}"));
        return app;
    }

    private static IResult Serve(HttpContext context, WallboardAssets assets, string path)
    {
        AddSecurityHeaders(context);
        if (assets.Find(path) is not { } asset)
            return path.StartsWith("wallboard/", StringComparison.Ordinal) ? NotFoundPage(context) : Results.NotFound();
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache"; // revalidate with the ETag: a redeployed gateway serves its own page at once
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private const string NotFoundHtml = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Not found – Wallboard</title><link rel="stylesheet" href="/wallboard/wallboard.css"></head>
        <body class="board picker">
        <main><h1 data-testid="not-found">No wallboard here</h1>
        <p>This address is not a wallboard. A board's address is <code>/wallboard/{organisation id}/{group id}</code>.</p>
        <p><a href="/wallboard">Pick a group</a></p></main>
        </body>
        </html>
        """;

    private static IResult NotFoundPage(HttpContext context)
    {
        AddSecurityHeaders(context);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(NotFoundHtml, "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// No inline script or style, nothing from another origin; sockets only back to this gateway. The token may sit in
    /// the page's URL (?token=), so no Referer leaves the page, and no other site may frame it.
    /// </summary>
    private static void AddSecurityHeaders(HttpContext context)
    {
        var host = context.Request.Host.Value;
        var headers = context.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] =
            $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
            $"connect-src 'self' ws://{host} wss://{host}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
