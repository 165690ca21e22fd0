namespace FreedomCti.Presence.Gateway;

/// <summary>Gateway limits and timings, bound from the "Gateway" configuration section.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Largest client frame accepted; a larger one closes the socket with 1009.</summary>
    public int MaxMessageBytes { get; set; } = 4096;

    /// <summary>Frames queued per socket; a full queue is conflated into one fresh snapshot, and a socket that fills it again before taking that snapshot is closed with 1013.</summary>
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// Frames queued per topic on an organisation socket (and the replies have a lane of <see cref="SendQueueCapacity"/>):
    /// each topic conflates on its own, so a busy group cannot make the others resend snapshots.
    /// </summary>
    public int MultiplexedQueueCapacity { get; set; } = 256;

    /// <summary>A single frame that cannot be written within this time means the peer is stuck: the socket is aborted.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a topic's watch on its grain outlives its last local socket (absorbs reconnect churn).</summary>
    public TimeSpan TopicLinger { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often every topic renews its watch on its grain and compares seqs, to catch events that went missing.</summary>
    public TimeSpan AuditInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a topic waits for a missing seq before resyncing from the grain: Orleans delivers messages out of order
    /// now and then, so a gap usually fills within milliseconds. Events after the gap are held meanwhile.
    /// </summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a grain keeps a watch without renewal: a gateway that died stops costing its grains a send after this. Longer than two audit intervals.</summary>
    public TimeSpan WatchLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Client mode: how often the cluster membership is read to find silos declared dead (every 250 ms for a minute after a silo connection drops).</summary>
    public TimeSpan SiloCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Topics watched again at once after their grains moved or their silo died; the rest wait their turn.</summary>
    public int RewatchConcurrency { get; set; } = 32;

    /// <summary>Bound on any one grain call made for a socket.</summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Server-sent WebSocket ping interval (protocol-level, invisible to the application).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A peer that does not answer a ping within this time is dropped.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a closing handshake may take before the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On SIGTERM: how long the gateway keeps answering (not ready) after closing its sockets, so the load balancer drops it first.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Closed sockets are told to reconnect after a random delay up to this, so they do not all arrive at once.</summary>
    public TimeSpan ReconnectJitter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>4008 (connection limit): retryAfterMs is this base plus a random share of <see cref="ConnectionLimitRetryJitter"/>.</summary>
    public TimeSpan ConnectionLimitRetryBase { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>4008: the random part added to <see cref="ConnectionLimitRetryBase"/>.</summary>
    public TimeSpan ConnectionLimitRetryJitter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>1011, 1013, 4004: retryAfterMs is random between this and <see cref="TransientRetryMax"/>.</summary>
    public TimeSpan TransientRetryMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>1011, 1013, 4004: the upper bound of retryAfterMs.</summary>
    public TimeSpan TransientRetryMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many rendered change frames a topic keeps so a reconnecting client (subscribe with lastSeq) can be resumed.</summary>
    public int ResumeRingSize { get; set; } = 64;

    /// <summary>Frames older than this leave the resume ring, so idle topics hold nothing.</summary>
    public TimeSpan ResumeRingMaxAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Graceful-shutdown budget (drain included); the pod's terminationGracePeriodSeconds must be longer.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Serve the API descriptions (/openapi/v1.json, /docs, /asyncapi.yaml), anonymously; false removes those routes.</summary>
    public bool ApiDocs { get; set; } = true;
}
