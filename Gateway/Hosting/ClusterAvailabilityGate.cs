namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// Fails REST calls fast with 503 while the client knows it has no connection to any silo, instead of letting each
/// one wait for the response timeout. Open sockets are untouched; health, metrics and the API description stay reachable.
/// </summary>
public sealed class ClusterAvailabilityGate(RequestDelegate next, IProblemDetailsService problems, IServiceProvider services)
{
    private readonly ClusterConnectionWatcher? _watcher = services.GetService<ClusterConnectionWatcher>();

    public Task InvokeAsync(HttpContext context)
    {
        if (_watcher is { IsConnected: false } && !IsOperational(context.Request.Path))
        {
            return ClusterUnavailableHandler.WriteAsync(context, problems, "The gateway has no connection to the presence grid; retry shortly.").AsTask();
        }
        return next(context);
    }

    // The wallboard's static files load without the grid: the page itself shows that its socket is reconnecting.
    // The API descriptions need no grid either.
    private static bool IsOperational(PathString path) =>
        ServiceDefaults.ManagementPort.IsManagementPath(path) ||
        path.StartsWithSegments("/wallboard") || path.StartsWithSegments("/client") || ApiDocs.IsDocsPath(path);
}
