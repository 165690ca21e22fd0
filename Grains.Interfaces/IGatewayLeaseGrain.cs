namespace FreedomCti.Presence;

/// <summary>
/// One gateway process's liveness lease (keyed by the gateway's instance id): the gateway renews it while it holds
/// in-band sessions, and the user grains holding those sessions ask it whether the gateway is still there instead of
/// being renewed session by session (docs/presence-sessions.md, "How the gateway keeps in-band sessions
/// alive").
/// </summary>
/// <remarks>
/// Held in memory only. A new activation (its silo died, or it was collected) that has not been renewed yet answers
/// as if renewed at its activation: a crash of the lease's silo must never cost a live gateway's clients their
/// sessions, and a gateway that is really gone is still found out one lease later, since it does not renew again.
/// </remarks>
[Alias("fcti.IGatewayLeaseGrain")]
public interface IGatewayLeaseGrain : IGrainWithStringKey
{
    /// <summary>The gateway is alive now (and holds its sockets' sessions).</summary>
    [Alias("Renew")]
    Task RenewAsync();

    /// <summary>
    /// When the gateway last renewed (or this activation started, if it has not renewed since): a session of lease L
    /// it holds is alive until then + L.
    /// </summary>
    /// <remarks>Interleaves: it only reads, and user grains ask while the gateway renews.</remarks>
    [Alias("GetRenewedAt"), Orleans.Concurrency.AlwaysInterleave]
    Task<DateTimeOffset> GetRenewedAtAsync();
}
