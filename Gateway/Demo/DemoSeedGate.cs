namespace FreedomCti.Presence.Gateway.Demo;

/// <summary>
/// In the demo run the tenant is seeded after the server starts listening. Until it is, requests on
/// <c>/organisation/…</c> (sockets and REST) get 503 + Retry-After instead of answers about a tenant that is half
/// there: a socket in that window would otherwise be closed with a terminal 4001/4005 (organisation or group not
/// found), and a wallboard reconnecting after a restart would give up. 503 on the handshake makes clients retry.
/// </summary>
public sealed class DemoSeedGate
{
    private volatile bool _open;

    public bool IsOpen => _open;

    /// <summary>Called once the seed is done, or has given up (then requests see the real state, not 503 forever).</summary>
    public void Open() => _open = true;
}

/// <summary>Puts the gate in front of the whole pipeline (registered only when Demo:Seed is on).</summary>
public sealed class DemoSeedGateFilter(DemoSeedGate gate) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!gate.IsOpen && context.Request.Path.StartsWithSegments("/organisation"))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsJsonAsync(
                    new { title = "Demo tenant not ready", status = 503, detail = "The demo tenant is being seeded; retry in a second." },
                    options: null, contentType: "application/problem+json");
                return;
            }
            await nextMiddleware(context);
        });
        next(app);
    };
}
