namespace FreedomCti.Presence.Gateway.Limits;

/// <summary>Connection and input limits, bound from the "Limits" configuration section (docs/security.md).</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Open sockets on this gateway; the next one is refused with 4008.</summary>
    public int MaxConnectionsPerGateway { get; set; } = 20_000;

    /// <summary>Open sockets of one user (token subject) on this gateway.</summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>Open sockets of one organisation across the cluster when its settings say 0.</summary>
    public int DefaultMaxConnectionsPerOrg { get; set; } = 50_000;

    /// <summary>A gateway's share of an organisation's count lapses this long after its last renewal.</summary>
    public TimeSpan ConnectionLeaseTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Client messages per second per socket (sustained); a flood closes the socket with 1008.</summary>
    public double MessagesPerSecond { get; set; } = 10;

    /// <summary>Client messages a socket may send in a burst.</summary>
    public int MessageBurst { get; set; } = 20;

    /// <summary>
    /// Topics one organisation socket may watch at once; the next subscribe is refused with 4009 naming the topic.
    /// Its burst of messages is this much larger, so a client can subscribe every topic at once after a reconnect.
    /// </summary>
    public int MaxTopicsPerSocket { get; set; } = 200;

    /// <summary>WebSocket handshakes per second per source address (sustained); beyond it, 429.</summary>
    public int HandshakesPerSecondPerAddress { get; set; } = 50;

    /// <summary>Handshakes a source address may make in a burst (a contact centre behind one NAT logs in at 9:00).</summary>
    public int HandshakeBurstPerAddress { get; set; } = 500;

    /// <summary>REST writes of one organisation in flight on this gateway at once; more wait in its queue (see TenantWriteLimiter).</summary>
    public int MaxConcurrentWritesPerOrg { get; set; } = 16;

    /// <summary>REST writes of one organisation waiting for a slot on this gateway; beyond it, 429 with Retry-After.</summary>
    public int QueuedWritesPerOrg { get; set; } = 1_000;

    /// <summary>REST request bodies; the bulk directory import has its own, larger limit.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Browser origins allowed to open sockets ("*" allows any); unset means the local development origins.
    /// Requests without an Origin header (non-browser clients) are allowed.
    /// </summary>
    /// <remarks>Nullable on purpose: configuration binding appends to a pre-filled array instead of replacing it.</remarks>
    public string[]? AllowedOrigins { get; set; }

    public IReadOnlyCollection<string> EffectiveAllowedOrigins => AllowedOrigins ?? ["http://localhost:8080", "http://127.0.0.1:8080"];

    /// <summary>
    /// Networks (CIDR, e.g. 10.0.0.0/8) of the reverse proxies or ingress in front of the gateway, whose
    /// X-Forwarded-For is trusted; without it every client behind an ingress would share one handshake budget.
    /// </summary>
    public string[]? TrustedProxyNetworks { get; set; }
}
