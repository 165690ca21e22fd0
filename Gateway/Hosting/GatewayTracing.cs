using System.Diagnostics;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// The gateway's trace source. A fan-out span is a child of the write that caused the event (its trace context
/// travels in the event), so one trace runs REST write → grain → stream → gateway → sockets.
/// </summary>
public static class GatewayTracing
{
    public const string SourceName = "FreedomCti.Presence.Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of one event's fan-out, or returns null when nobody listens.</summary>
    public static Activity? StartFanOut(string topic, long seq, string? traceParent, int subscribers)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity("presence.fanout", ActivityKind.Consumer, parent);
        activity?.SetTag("presence.topic", topic);
        activity?.SetTag("presence.seq", seq);
        activity?.SetTag("presence.subscribers", subscribers);
        return activity;
    }
}
