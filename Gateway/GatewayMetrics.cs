using System.Diagnostics.Metrics;

namespace FreedomCti.Presence.Gateway;

/// <summary>The gateway's own instruments (meter "FreedomCti.Presence.Gateway"), also readable as plain totals.</summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "FreedomCti.Presence.Gateway";

    private readonly Meter _meter;
    private readonly Counter<long> _resumes;
    private long _rewatchesTotal;
    private long _resumesReplayed;
    private long _resumesSnapshot;
    private readonly Histogram<double> _eventLatency;
    private long _openSockets;
    private long _messagesTotal;
    private long _bytesTotal;
    private long _duplicatesTotal;
    private long _resyncsTotal;
    private long _slowConsumersTotal;
    private long _sessionRenewalsTotal;
    private long _leaseRenewalsTotal;

    public GatewayMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        // The counters without tags are observed totals: exported from the first scrape on, at 0 until something happens
        // (a plain Counter appears only with its first increment, so a rate or an alert on it has nothing to start from).
        _meter.CreateObservableCounter("presence.gateway.messages_sent", () => Interlocked.Read(ref _messagesTotal), description: "Frames queued to sockets.");
        _meter.CreateObservableCounter("presence.gateway.bytes_sent", () => Interlocked.Read(ref _bytesTotal), "By", "Bytes queued to sockets.");
        _meter.CreateObservableCounter("presence.gateway.duplicates_dropped", () => Interlocked.Read(ref _duplicatesTotal),
            description: "Events dropped because their seq was already applied.");
        _meter.CreateObservableCounter("presence.gateway.resyncs", () => Interlocked.Read(ref _resyncsTotal),
            description: "Topics reloaded from their grain after a seq gap or events the grain had and this gateway did not.");
        _meter.CreateObservableCounter("presence.gateway.rewatches", () => Interlocked.Read(ref _rewatchesTotal),
            description: "Topics watched again after their grain moved, its silo died or the cluster connection came back.");
        _meter.CreateObservableCounter("presence.gateway.slow_consumers_closed", () => Interlocked.Read(ref _slowConsumersTotal),
            description: "Sockets closed because their send queue filled up.");
        _meter.CreateObservableCounter("presence.gateway.session_renewals", () => Interlocked.Read(ref _sessionRenewalsTotal),
            description: "Per-session grain calls this gateway made to keep its sockets' in-band sessions: none while its lease holds them; re-opens after its lease lapsed, and renewals of sessions on user grains of the version before holders.");
        _meter.CreateObservableCounter("presence.gateway.lease_renewals", () => Interlocked.Read(ref _leaseRenewalsTotal),
            description: "Renewals of this gateway's lease that got through (failures are logged); the lease keeps all its in-band sessions alive (one per third of the shortest held session lease).");
        _resumes = _meter.CreateCounter<long>("presence.gateway.resumes",
            description: "Subscribes with lastSeq, tagged outcome (replayed|snapshot) and source (gateway|grain|none: where the missed frames came from).");
        _meter.CreateObservableUpDownCounter("presence.gateway.open_sockets", () => Interlocked.Read(ref _openSockets), description: "Open WebSocket connections.");
        _eventLatency = _meter.CreateHistogram<double>("presence.gateway.event_latency", "ms",
            "From the grain's change (REST write) to the frame being queued on the sockets, per topic kind.");
    }

    /// <summary>
    /// Gauges read from live state at scrape time: subscriptions per topic kind and send-queue depth.
    /// Registered by the hosting code once the hub and registry exist (they depend on the cluster client).
    /// </summary>
    public void Observe(Func<IEnumerable<Measurement<long>>> subscriptions, Func<IEnumerable<Measurement<long>>> sendQueue)
    {
        _meter.CreateObservableGauge("presence.gateway.subscriptions", subscriptions, description: "Local socket subscriptions, tagged topic.kind (user|group).");
        _meter.CreateObservableGauge("presence.gateway.send_queue_depth", sendQueue, description: "Frames waiting in socket send queues: total and the deepest single socket (tag stat).");
    }

    public void EventQueued(Topics.TopicKind kind, TimeSpan sinceChange) =>
        _eventLatency.Record(Math.Max(0, sinceChange.TotalMilliseconds), new KeyValuePair<string, object?>("topic.kind", kind == Topics.TopicKind.User ? "user" : "group"));

    public long OpenSockets => Interlocked.Read(ref _openSockets);
    public long MessagesSent => Interlocked.Read(ref _messagesTotal);
    public long Resyncs => Interlocked.Read(ref _resyncsTotal);
    public long Rewatches => Interlocked.Read(ref _rewatchesTotal);

    public void SocketOpened() => Interlocked.Increment(ref _openSockets);
    public void SocketClosed() => Interlocked.Decrement(ref _openSockets);

    public void Delivered(int sockets, int frameBytes)
    {
        if (sockets == 0) return;
        Interlocked.Add(ref _messagesTotal, sockets);
        Interlocked.Add(ref _bytesTotal, (long)sockets * frameBytes);
    }

    public void DuplicateDropped() => Interlocked.Increment(ref _duplicatesTotal);

    public void Resynced()
    {
        Interlocked.Increment(ref _resyncsTotal);
    }

    public void Rewatched()
    {
        Interlocked.Increment(ref _rewatchesTotal);
    }

    public long ResumesReplayed => Interlocked.Read(ref _resumesReplayed);
    public long ResumesSnapshot => Interlocked.Read(ref _resumesSnapshot);

    /// <summary>A subscribe with lastSeq: resumed (the missed frames from this gateway's ring or the grain's), or answered with a snapshot.</summary>
    public void Resumed(Topics.TopicKind kind, bool replayed, string source)
    {
        Interlocked.Increment(ref replayed ? ref _resumesReplayed : ref _resumesSnapshot);
        _resumes.Add(1,
            new KeyValuePair<string, object?>("outcome", replayed ? "replayed" : "snapshot"),
            new KeyValuePair<string, object?>("source", source),
            new KeyValuePair<string, object?>("topic.kind", kind == Topics.TopicKind.User ? "user" : "group"));
    }

    public long SessionRenewals => Interlocked.Read(ref _sessionRenewalsTotal);

    public void SessionRenewalCalled() => Interlocked.Increment(ref _sessionRenewalsTotal);

    public long LeaseRenewals => Interlocked.Read(ref _leaseRenewalsTotal);

    public void LeaseRenewed() => Interlocked.Increment(ref _leaseRenewalsTotal);

    public void SlowConsumerClosed() => Interlocked.Increment(ref _slowConsumersTotal);

    public void Dispose() => _meter.Dispose();
}
