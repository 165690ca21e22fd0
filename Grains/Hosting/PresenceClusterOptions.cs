namespace FreedomCti.Presence.Hosting;

/// <summary>How a gateway reaches the grid.</summary>
public enum ClusterMode
{
    /// <summary>One process: a silo is co-hosted with the gateway.</summary>
    Embedded,
    /// <summary>The gateway is an Orleans client of separately running silos.</summary>
    Client,
}

/// <summary>Where silos find each other (and clients find silos).</summary>
public enum ClusteringProvider
{
    /// <summary>Fixed loopback ports; one silo (development, embedded mode).</summary>
    Localhost,
    /// <summary>The membership table in Azure Table storage.</summary>
    AzureStorage,
}

/// <summary>Where grain state is kept.</summary>
public enum StorageProvider
{
    Memory,
    /// <summary>Azure Table storage: survives silo and cluster restarts.</summary>
    AzureStorage,
}

/// <summary>
/// The shape of the grid, bound from the "Cluster" configuration section by both the Silo and the Gateway
/// (env vars: Cluster__ClusterId, Cluster__Clustering, ...). Defaults are the embedded, in-memory mode.
/// </summary>
public sealed class PresenceClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>Gateway only: co-host a silo or connect to remote silos as a client.</summary>
    public ClusterMode Mode { get; set; } = ClusterMode.Embedded;

    public ClusteringProvider Clustering { get; set; } = ClusteringProvider.Localhost;
    public StorageProvider Storage { get; set; } = StorageProvider.Memory;

    /// <summary>Azure Storage connection string (membership, grain state and reminder tables); keep it in a secret.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>One deployment of the grid; silos and clients with the same id form one cluster. A new id per blue/green deployment.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>Stable across deployments: grain state is keyed by it.</summary>
    public string ServiceId { get; set; } = "freedomcti-presence";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port: silos listen on it, clients connect to it.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Localhost clustering only: the silo port of the first silo on this machine, which further silos join
    /// (development and the benchmark's multi-silo runs; production uses a membership table).
    /// </summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>The address other silos and clients use to reach this silo (the pod IP in Kubernetes); loopback by default.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>The silo's name in the membership table and the dashboard (the pod name in Kubernetes); Orleans picks one when empty.</summary>
    public string? SiloName { get; set; }

    /// <summary>Failure detection and membership timings; see <see cref="PresenceMembershipOptions"/>.</summary>
    public PresenceMembershipOptions Membership { get; set; } = new();

    /// <summary>Clients: how often the list of live silo gateways is re-read from the membership table.</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Clients: how long a grain call may take before it fails (and a REST call answers 503).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>See <see cref="PresenceGridOptions.SessionSweepPeriod"/>: how late a lease may expire after its silo died.</summary>
    public TimeSpan SessionSweepPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Orleans membership timings. The defaults are Orleans' own (safe on a busy production network);
/// tests and small clusters shorten them so a killed silo is declared dead in seconds instead of a minute.
/// </summary>
public sealed class PresenceMembershipOptions
{
    /// <summary>How long a probe may go unanswered before it counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed probes before a silo suspects another.</summary>
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>Suspicions needed to declare a silo dead (capped by the number of live silos).</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How long a suspicion vote stays valid.</summary>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How often each silo writes its I-am-alive timestamp to the table.</summary>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often silos re-read the membership table even without a change notification.</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Dead silos older than this are removed from the table.</summary>
    public TimeSpan DefunctSiloExpiration { get; set; } = TimeSpan.FromDays(7);
}
