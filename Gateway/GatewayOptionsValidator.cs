using FreedomCti.Presence.Hosting;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway;

/// <summary>Checks the "Gateway" section at start; related timings together (watch lease and renewal, drain and shutdown budget).</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions o)
    {
        var rules = new OptionRules(GatewayOptions.Section);
        rules.AtLeast(o.MaxMessageBytes, 256)
            .AtLeast(o.SendQueueCapacity, 1)
            .AtLeast(o.MultiplexedQueueCapacity, 1)
            .AtLeast(o.ResumeRingSize, 0)
            .Positive(o.SendTimeout)
            .NotNegative(o.TopicLinger)
            .Positive(o.AuditInterval)
            .NotNegative(o.ReorderWindow)
            .Positive(o.SiloCheckInterval)
            .AtLeast(o.RewatchConcurrency, 1)
            .Positive(o.GrainCallTimeout)
            .Positive(o.KeepAliveInterval)
            .Positive(o.KeepAliveTimeout)
            .Positive(o.CloseTimeout)
            .NotNegative(o.DrainDelay)
            .NotNegative(o.ReconnectJitter)
            .NotNegative(o.ConnectionLimitRetryBase)
            .NotNegative(o.ConnectionLimitRetryJitter)
            .NotNegative(o.TransientRetryMin)
            .Positive(o.ResumeRingMaxAge)
            .Positive(o.ShutdownTimeout)
            .Require(o.TransientRetryMin <= o.TransientRetryMax,
                $"Gateway:TransientRetryMin ({o.TransientRetryMin}) must not be longer than Gateway:TransientRetryMax ({o.TransientRetryMax}).")
            // A topic renews its watch every AuditInterval; a lease of less than two would lapse after one late renewal
            // and the grain would stop sending to a live gateway.
            .Require(o.WatchLease > o.AuditInterval * 2,
                $"Gateway:WatchLease ({o.WatchLease}) must be longer than two Gateway:AuditInterval ({o.AuditInterval}): watches are renewed every interval.")
            // The drain (not ready, sockets closed with 1012, then DrainDelay) is part of the graceful stop; past the
            // budget the host cuts it short and Kestrel stops while the load balancer still sends traffic.
            .Require(o.DrainDelay < o.ShutdownTimeout,
                $"Gateway:DrainDelay ({o.DrainDelay}) must be shorter than Gateway:ShutdownTimeout ({o.ShutdownTimeout}): the drain runs inside the shutdown budget.");
        return rules.Result;
    }
}
