using System.Threading.RateLimiting;

namespace FreedomCti.Presence.Gateway.Limits;

/// <summary>
/// Admission of REST writes per organisation: each tenant has a fixed number of writes in flight on this gateway and
/// a bounded queue behind them, so one tenant's burst (a PBX reconnecting and replaying a day, a bulk script) waits
/// its own turn instead of filling the grid's threads and storage queue in front of every other tenant's writes.
/// </summary>
/// <remarks>
/// A concurrency limit rather than a rate: it adapts to how fast the grid is (a tenant gets as many writes per second
/// as its share of in-flight slots allows) and needs no per-tenant tuning. Beyond the queue the write is refused with
/// 429 and a Retry-After, before anything was applied. Reads and socket handshakes are not limited here.
/// </remarks>
public static class TenantWriteLimiter
{
    public static PartitionedRateLimiter<HttpContext> Create(LimitsOptions limits) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            IsWrite(context.Request.Method) && context.GetRouteValue("orgId") is string orgId
                ? RateLimitPartition.GetConcurrencyLimiter(orgId, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = limits.MaxConcurrentWritesPerOrg,
                    QueueLimit = limits.QueuedWritesPerOrg,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                })
                : RateLimitPartition.GetNoLimiter(""));

    /// <summary>True for a request refused by this limiter (a write), as opposed to a socket handshake.</summary>
    public static bool IsWrite(string method) => HttpMethods.IsPut(method) || HttpMethods.IsPost(method) || HttpMethods.IsDelete(method) || HttpMethods.IsPatch(method);
}
