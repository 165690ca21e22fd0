using Microsoft.AspNetCore.Diagnostics;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// Answers 503 (problem details, Retry-After) when a REST call fails because the cluster is unreachable or a silo
/// went away mid-call, instead of a 500: the request is safe to retry once the cluster is back.
/// </summary>
public sealed class ClusterUnavailableHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 2;

    /// <summary>The call failed on its way to a silo that is gone: it did not run, so trying it again cannot apply it twice.</summary>
    public static bool IsUndelivered(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException => true,
        AggregateException { InnerException: { } inner } => IsUndelivered(inner),
        _ => false,
    };

    public static bool IsClusterUnavailable(Exception exception) => IsUndelivered(exception) || exception switch
    {
        TimeoutException or GatewayTooBusyException => true,
        OrleansException { InnerException: { } inner } => IsClusterUnavailable(inner),
        AggregateException { InnerException: { } inner } => IsClusterUnavailable(inner),
        _ => false,
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsClusterUnavailable(exception)) return false;
        GatewayLog.ClusterCallFailed(logger, context.Request.Method, context.Request.Path.Value ?? "", exception.GetType().Name);
        await WriteAsync(context, problems, "A presence-grid call failed because the cluster is unreachable or recovering; retry shortly.");
        return true;
    }

    public static ValueTask WriteAsync(HttpContext context, IProblemDetailsService problems, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = 503, Title = "Presence grid unavailable", Detail = detail },
        });
    }
}
