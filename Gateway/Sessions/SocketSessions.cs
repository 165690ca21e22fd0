using System.Collections.Concurrent;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Sessions;

/// <summary>
/// Presence sessions held in-band on agents' own user sockets. While the socket is open the gateway renews the
/// session's lease itself (the socket's keep-alive is the heartbeat); when the socket closes the session is ended as
/// "disconnected" (grace, then offline); when the gateway dies, renewals stop and the lease runs out on its own.
/// </summary>
public sealed class SocketSessions(IClusterClient grains, OrganisationCache organisations, TimeProvider clock,
    GatewayMetrics metrics, ILogger<SocketSessions> logger) : BackgroundService
{
    /// <summary>How often due renewals are looked for; renewals are due at a third of the lease.</summary>
    public static readonly TimeSpan ScanPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);

    private sealed record Held(string OrgId, string UserId, SessionOpen Open, SessionPolicy Policy, DateTimeOffset RenewedAt);

    /// <summary>Opens (or, on the same socket, re-opens) the socket's session.</summary>
    public async Task<SessionResult> OpenAsync(string connectionId, string orgId, string userId, string device, PresenceStatus status)
    {
        var policy = await organisations.SessionPolicyAsync(orgId);
        var sessionId = _held.TryGetValue(connectionId, out var held) ? held.Open.SessionId : Api.SessionEndpoints.NewSessionId();
        var open = new SessionOpen(sessionId, device, status);
        var result = await User(orgId, userId).OpenSessionAsync(open, policy);
        if (result.Outcome == SessionOutcome.Done) _held[connectionId] = new Held(orgId, userId, open, policy, clock.GetUtcNow());
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
    public Task<SessionResult> LogoutAsync(string connectionId, string orgId, string userId, string sessionId)
    {
        if (_held.TryGetValue(connectionId, out var held) && held.Open.SessionId == sessionId) _held.TryRemove(connectionId, out _);
        return User(orgId, userId).CloseSessionAsync(sessionId, SessionEnd.Logout);
    }

    /// <summary>The socket closed: end its session as disconnected (grace first). Best effort: if this call fails the lease still runs out.</summary>
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
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ScanPeriod, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = clock.GetUtcNow();
                var due = _held.Where(h => now - h.Value.RenewedAt >= h.Value.Policy.Lease / 3).ToArray();
                await Task.WhenAll(due.Select(h => RenewAsync(h.Key, h.Value)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAsync(string connectionId, Held held)
    {
        try
        {
            metrics.SessionRenewalCalled();
            var result = await User(held.OrgId, held.UserId).ReportSessionAsync(held.Open.SessionId, new SessionReport(null, false));
            if (result.Outcome == SessionOutcome.UnknownSession)
            {
                metrics.SessionRenewalCalled();
                // The lease lapsed while the cluster was out of reach, yet the socket is alive: the agent is still here.
                result = await User(held.OrgId, held.UserId).OpenSessionAsync(held.Open, held.Policy);
            }
            if (_held.TryGetValue(connectionId, out var current) && ReferenceEquals(current, held))
            {
                _held.TryUpdate(connectionId, held with { RenewedAt = clock.GetUtcNow() }, held);
            }
        }
        catch (Exception ex)
        {
            // Retried at the next scan; the lease is three renewals long.
            GatewayLog.SessionRenewalFailed(logger, held.UserId, ex);
        }
    }

    private IUserGrain User(string orgId, string userId) => grains.GetGrain<IUserGrain>(PresenceIds.Key(orgId, userId));
}
