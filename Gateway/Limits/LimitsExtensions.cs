using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Limits;

/// <summary>Registers the connection quota, the handshake and per-organisation write limiters and the request body limit.</summary>
public static class LimitsExtensions
{
    public static WebApplicationBuilder AddPresenceLimits(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(LimitsOptions.Section);
        var limits = section.Get<LimitsOptions>() ?? new();
        builder.Services.AddOptions<LimitsOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        builder.Services.TryAddSingleton<Hosting.GatewayInstance>();
        builder.Services.AddSingleton<ConnectionQuota>();
        builder.Services.AddHostedService<ConnectionLeaseRenewer>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Parsed when the pipeline is built, after LimitsOptionsValidator has named any network that does not parse.
            foreach (var network in limits.TrustedProxyNetworks ?? [])
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed)) forwarded.KnownIPNetworks.Add(parsed);
            }
        });

        builder.Services.AddRateLimiter(rate =>
        {
            rate.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // The bucket refills every second; a jittered Retry-After spreads a refused storm instead of echoing it.
            rate.OnRejected = async (context, cancellation) =>
            {
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = Random.Shared.Next(1, 6).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (http.Request.Path == Api.DisplayEndpoints.TokenPath)
                {
                    await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests from this address",
                        detail: "Display token requests share the handshake budget of their source address (Limits:HandshakesPerSecondPerAddress). Retry after Retry-After seconds.")
                        .ExecuteAsync(http);
                    return;
                }
                if (!TenantWriteLimiter.IsWrite(http.Request.Method)) return;
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many writes in flight for this organisation",
                    detail: $"This organisation already has {limits.MaxConcurrentWritesPerOrg} writes in flight and {limits.QueuedWritesPerOrg} queued on this gateway " +
                        "(Limits:MaxConcurrentWritesPerOrg, Limits:QueuedWritesPerOrg). Nothing was applied; retry after Retry-After seconds.")
                    .ExecuteAsync(http);
            };
            // Handshakes per source address; REST writes per organisation (TenantWriteLimiter); socket messages by their own bucket.
            rate.GlobalLimiter = PartitionedRateLimiter.CreateChained(HandshakeLimiter(limits), TenantWriteLimiter.Create(limits));
        });
        return builder;
    }

    private static PartitionedRateLimiter<HttpContext> HandshakeLimiter(LimitsOptions limits) =>
            PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
                // Anonymous display token exchanges share the handshake budget: both are unauthenticated work per address.
                context.WebSockets.IsWebSocketRequest || context.Request.Path == Api.DisplayEndpoints.TokenPath
                    ? RateLimitPartition.GetTokenBucketLimiter(context.Connection.RemoteIpAddress ?? IPAddress.None, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.HandshakeBurstPerAddress,
                        TokensPerPeriod = limits.HandshakesPerSecondPerAddress,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(IPAddress.None));
}
