using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>What every topic shares: options, clock, logging, metrics and the hub's release callback.</summary>
public sealed record TopicServices(
    GatewayOptions Options,
    TimeProvider Clock,
    ILogger Logger,
    GatewayMetrics Metrics,
    IGrainFactory Grains,
    Action<ITopic> OnReleased);
