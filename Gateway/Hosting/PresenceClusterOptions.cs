namespace FreedomCti.Presence.Gateway.Hosting;

public enum ClusterMode
{
    /// <summary>One process: a silo is co-hosted with the gateway (localhost clustering, in-memory storage and streams).</summary>
    Embedded,
    /// <summary>The gateway is an Orleans client of separately running silos.</summary>
    Client,
}

/// <summary>How the gateway reaches the grid, bound from the "Cluster" configuration section.</summary>
public sealed class PresenceClusterOptions
{
    public const string Section = "Cluster";

    public ClusterMode Mode { get; set; } = ClusterMode.Embedded;
    public string ClusterId { get; set; } = "dev";
    public string ServiceId { get; set; } = "freedomcti-presence";

    /// <summary>Silo-to-silo port of the co-hosted silo (Embedded).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port: the co-hosted silo listens on it (Embedded); the client connects to it (Client).</summary>
    public int GatewayPort { get; set; } = 30000;
}
