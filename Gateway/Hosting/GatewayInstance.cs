namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// This gateway process's identity in the cluster: the key of its connection leases (<see cref="IConnectionQuotaGrain"/>)
/// and of its liveness lease (<see cref="IGatewayLeaseGrain"/>), which holds its in-band sessions.
/// </summary>
/// <remarks>
/// One per process start, never reused: a process id alone repeats (restarts in a container are often pid 1), and a
/// restarted gateway must not inherit the leases of the one before. A singleton, so the test hosts that run several
/// gateways in one process get one each.
/// </remarks>
public sealed class GatewayInstance
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
}
