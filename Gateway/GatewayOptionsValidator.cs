using FreedomCti.Presence.Hosting;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway;

/// <summary>Checks the "Gateway" section at start; related timings together (the drain runs inside the shutdown budget).</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions o)
    {
        var rules = new OptionRules(GatewayOptions.Section);
        rules.AtLeast(o.MaxMessageBytes, 256)
            .AtLeast(o.SendQueueCapacity, 1)
            .AtLeast(o.ResumeRingSize, 0)
            .Positive(o.SendTimeout)
            .NotNegative(o.TopicLinger)
            .Positive(o.AuditInterval)
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
            // The drain (not ready, sockets closed with 1012, then DrainDelay) is part of the graceful stop; past the
            // budget the host cuts it short and Kestrel stops while the load balancer still sends traffic.
            .Require(o.DrainDelay < o.ShutdownTimeout,
                $"Gateway:DrainDelay ({o.DrainDelay}) must be shorter than Gateway:ShutdownTimeout ({o.ShutdownTimeout}): the drain runs inside the shutdown budget.");
        return rules.Result;
    }
}
