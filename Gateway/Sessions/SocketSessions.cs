using System.Collections.Concurrent;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Sessions;

/// <summary>
/// Presence sessions held in-band on agents' own user sockets. They are opened with this gateway as their holder, and
/// kept alive by one lease for the whole gateway (<see cref="IGatewayLeaseGrain"/>, renewed here every third of the
/// shortest held session lease) rather than by per-session renewals: each user grain asks the lease, through its
/// silo's cache, when a session's lease is about to end (docs/presence-sessions.md, "How the gateway keeps in-band
/// sessions alive"). When a socket closes its session is ended as "disconnected" (grace, then offline); when the
/// gateway dies its lease stops being renewed and its sessions run out.
/// </summary>
/// <remarks>
/// Graceful shutdown leaves the lease as it is: the drain closes every socket first, which ends each session as
/// disconnected at once; the lease then lapses on its own (nothing renews it without sessions), which releases any
/// session whose disconnect did not get through within the same bound as a killed gateway's.
/// </remarks>
public sealed class SocketSessions(IClusterClient grains, OrganisationCache organisations, TimeProvider clock,
    GatewayMetrics metrics, GatewayInstance instance, ILogger<SocketSessions> logger) : BackgroundService
{
    /// <summary>How often a due lease renewal is looked for; it is due at a third of the shortest held session lease.</summary>
    public static readonly TimeSpan ScanPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);

    // Sessions whose socket closed (or whose client logged out) but whose end did not reach the user grain (its silo was
    // dying): tried again at every scan. They must not be left to the lease: this gateway's lease, which keeps renewing
    // while it holds other sessions, would keep them alive.
    private readonly ConcurrentDictionary<string, Release> _unreleased = new(StringComparer.Ordinal);

    private sealed record Release(string OrgId, string UserId, SessionEnd End);

    // When the last lease renewal that succeeded was sent (the lease grain recorded it no earlier): MinValue before any.
    private DateTimeOffset _leaseRenewedAt = DateTimeOffset.MinValue;

    /// <param name="RenewedAt">When the user grain last heard of this session from this gateway (open, update, re-open).</param>
    /// <param name="PerSession">
    /// The user grain did not take this gateway as the holder (a silo of the version before holders, during a rolling
    /// upgrade): the session is renewed one by one, every third of its lease, as that version expects.
    /// </param>
    /// <param name="MustReopen">A re-open after a lapse failed: tried again after the next renewal.</param>
    private sealed record Held(string OrgId, string UserId, SessionOpen Open, SessionPolicy Policy, DateTimeOffset RenewedAt,
        bool PerSession, bool MustReopen = false);

    /// <summary>Opens (or, on the same socket, re-opens) the socket's session, held by this gateway.</summary>
    public async Task<SessionResult> OpenAsync(string connectionId, string orgId, string userId, string device, PresenceStatus status)
    {
        var policy = await organisations.SessionPolicyAsync(orgId);
        var sessionId = _held.TryGetValue(connectionId, out var held) ? held.Open.SessionId : Api.SessionEndpoints.NewSessionId();
        var open = new SessionOpen(sessionId, device, status, instance.Id);
        var result = await User(orgId, userId).OpenSessionAsync(open, policy);
        if (result.Outcome == SessionOutcome.Done) _held[connectionId] = new Held(orgId, userId, open, policy, clock.GetUtcNow(), !KeptForUs(result));
        return result;
    }

    /// <summary>The policy the socket's session was opened under (what session_opened reports).</summary>
    public SessionPolicy PolicyOf(string connectionId) => _held.TryGetValue(connectionId, out var held) ? held.Policy : SessionPolicy.Disabled;

    public async Task<SessionResult> ReportAsync(string connectionId, string orgId, string userId, string sessionId, SessionReport report)
    {
        var result = await User(orgId, userId).ReportSessionAsync(sessionId, report);
        if (result.Outcome == SessionOutcome.Done && _held.TryGetValue(connectionId, out var held) && held.Open.SessionId == sessionId)
        {
            var status = report.Status ?? held.Open.Status;
            _held[connectionId] = held with { Open = held.Open with { Status = status }, RenewedAt = clock.GetUtcNow() };
        }
        return result;
    }

    /// <summary>Logs the session out (the client said so).</summary>
    public async Task<SessionResult> LogoutAsync(string connectionId, string orgId, string userId, string sessionId)
    {
        var mine = _held.TryGetValue(connectionId, out var held) && held.Open.SessionId == sessionId && _held.TryRemove(connectionId, out _);
        try
        {
            return await User(orgId, userId).CloseSessionAsync(sessionId, SessionEnd.Logout);
        }
        catch when (mine)
        {
            // The client is told it failed; the session it held here is logged out as soon as the user grain answers.
            _unreleased[sessionId] = new Release(orgId, userId, SessionEnd.Logout);
            throw;
        }
    }

    /// <summary>The socket closed: end its session as disconnected (grace first); if the user grain cannot be reached, tried again at every scan.</summary>
    public async Task DisconnectedAsync(string connectionId, TimeSpan timeout)
    {
        if (!_held.TryRemove(connectionId, out var held)) return;
        try
        {
            await User(held.OrgId, held.UserId).CloseSessionAsync(held.Open.SessionId, SessionEnd.Disconnected).WaitAsync(timeout);
        }
        catch (Exception ex)
        {
            GatewayLog.SessionRenewalFailed(logger, held.UserId, ex);
            _unreleased[held.Open.SessionId] = new Release(held.OrgId, held.UserId, SessionEnd.Disconnected);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ScanPeriod, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewLeaseIfDueAsync();
                await RenewOneByOneAsync();
                await ReleaseAgainAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Renews the gateway's lease once a third of the shortest held session lease has passed since the last renewal
    /// (so one lost renewal is harmless, as with heartbeats); nothing while no session is held.
    /// </summary>
    private async Task RenewLeaseIfDueAsync()
    {
        var held = _held.ToArray();
        if (held.Length == 0) return;
        var sentAt = clock.GetUtcNow();
        if (sentAt - _leaseRenewedAt < held.Min(h => h.Value.Policy.Lease) / 3) return;
        try
        {
            await grains.GetGrain<IGatewayLeaseGrain>(instance.Id).RenewAsync();
        }
        catch (Exception ex)
        {
            // Retried at the next scan; the lease is three renewals long.
            GatewayLog.GatewayLeaseRenewalFailed(logger, held.Length, ex);
            return;
        }
        var renewedBy = clock.GetUtcNow();
        metrics.LeaseRenewed();
        var previous = _leaseRenewedAt;
        _leaseRenewedAt = sentAt;
        await ReopenLapsedAsync(held, previous, renewedBy);
    }

    /// <summary>
    /// After a renewal that came a session lease or more after the one before (the cluster was out of reach), the user
    /// grains may have found this gateway's lease ended and let those sessions go, although their sockets are open: the
    /// agents are still here, so those sessions are re-opened (which makes this gateway their holder again).
    /// </summary>
    /// <param name="now">When the renewal got through (the gap is measured to it, the conservative end).</param>
    private async Task ReopenLapsedAsync(KeyValuePair<string, Held>[] held, DateTimeOffset previousRenewal, DateTimeOffset now)
    {
        // A session the user grain heard of after the previous renewal was covered by that from then on. A sixth of
        // the lease early: the lease grain and the user grains judge by their silos' clocks, not this machine's.
        var lapsed = held.Where(h => h.Value.MustReopen
            || now - Later(previousRenewal, h.Value.RenewedAt) >= h.Value.Policy.Lease - h.Value.Policy.Lease / 6).ToArray();
        if (lapsed.Length == 0) return;
        GatewayLog.GatewayLeaseLapsed(logger, now - previousRenewal, lapsed.Length);
        await Task.WhenAll(lapsed.Select(h => ReopenAsync(h.Key, h.Value)));
    }

    private async Task ReopenAsync(string connectionId, Held held)
    {
        try
        {
            metrics.SessionRenewalCalled();
            var renewedAt = clock.GetUtcNow();
            var result = await User(held.OrgId, held.UserId).OpenSessionAsync(held.Open, held.Policy);
            _held.TryUpdate(connectionId, held with { RenewedAt = renewedAt, PerSession = !KeptForUs(result), MustReopen = false }, held);
        }
        catch (Exception ex)
        {
            GatewayLog.SessionRenewalFailed(logger, held.UserId, ex);
            _held.TryUpdate(connectionId, held with { MustReopen = true }, held);
        }
    }

    /// <summary>Ends the sessions whose end did not get through before; each stays listed until the user grain answers.</summary>
    /// <remarks>Waited for at most a scan period (real time), so that a dying silo never holds up the lease renewals.</remarks>
    private Task ReleaseAgainAsync()
    {
        var pending = _unreleased.ToArray();
        return pending.Length == 0 ? Task.CompletedTask : Task.WhenAll(pending.Select(p => ReleaseAsync(p.Key, p.Value)));

        async Task ReleaseAsync(string sessionId, Release release)
        {
            try
            {
                // Again after a success that was not waited for is harmless: the session is unknown then.
                await User(release.OrgId, release.UserId).CloseSessionAsync(sessionId, release.End).WaitAsync(ScanPeriod);
                _unreleased.TryRemove(KeyValuePair.Create(sessionId, release));
            }
            catch (Exception ex)
            {
                GatewayLog.SessionRenewalFailed(logger, release.UserId, ex);
            }
        }
    }

    /// <summary>
    /// Renews, one by one, the sessions a user grain of the version before holders keeps (see <see cref="Held.PerSession"/>),
    /// as that version's gateways did: a heartbeat every third of the lease, a re-open when it answers the session unknown.
    /// </summary>
    private Task RenewOneByOneAsync()
    {
        var now = clock.GetUtcNow();
        var due = _held.Where(h => h.Value.PerSession && now - h.Value.RenewedAt >= h.Value.Policy.Lease / 3).ToArray();
        return due.Length == 0 ? Task.CompletedTask : Task.WhenAll(due.Select(h => RenewAsync(h.Key, h.Value)));

        async Task RenewAsync(string connectionId, Held held)
        {
            try
            {
                metrics.SessionRenewalCalled();
                var renewedAt = clock.GetUtcNow();
                var result = await User(held.OrgId, held.UserId).ReportSessionAsync(held.Open.SessionId, new SessionReport(null, false));
                if (result.Outcome == SessionOutcome.UnknownSession)
                {
                    // The lease lapsed while the cluster was out of reach, yet the socket is alive: the agent is still here.
                    metrics.SessionRenewalCalled();
                    result = await User(held.OrgId, held.UserId).OpenSessionAsync(held.Open, held.Policy);
                }
                _held.TryUpdate(connectionId, held with { RenewedAt = renewedAt, PerSession = !KeptForUs(result) }, held);
            }
            catch (Exception ex)
            {
                // Retried at the next scan; the lease is three renewals long.
                GatewayLog.SessionRenewalFailed(logger, held.UserId, ex);
            }
        }
    }

    /// <summary>Whether the user grain keeps the session for this gateway's lease (it knows holders).</summary>
    private bool KeptForUs(SessionResult result) => result.Session?.Holder == instance.Id;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private IUserGrain User(string orgId, string userId) => grains.GetGrain<IUserGrain>(PresenceIds.Key(orgId, userId));
}
