using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>What every topic shares: options, clock, logging, metrics, the grain factory and the hub's callbacks.</summary>
/// <param name="OnReleased">The topic lingered out and let its watch go: the hub forgets it.</param>
/// <param name="RequestRewatch">The topic's watch was lost (its grain moved): the hub watches it again, a bounded number at a time.</param>
public sealed record TopicServices(
    GatewayOptions Options,
    TimeProvider Clock,
    ILogger Logger,
    GatewayMetrics Metrics,
    IGrainFactory Grains,
    Action<ITopic> OnReleased,
    Action<ITopic> RequestRewatch);
