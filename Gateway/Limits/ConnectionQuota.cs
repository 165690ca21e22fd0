using System.Collections.Concurrent;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Gateway.Topics;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Limits;

/// <summary>
/// Admits or refuses a new socket: per-gateway and per-user limits locally, the per-organisation limit across
/// the cluster through the organisation's <see cref="IConnectionQuotaGrain"/> leases.
/// </summary>
public sealed class ConnectionQuota(IGrainFactory grains, OrganisationCache organisations, IOptions<LimitsOptions> options, GatewayInstance instance)
{
    private readonly LimitsOptions _limits = options.Value;
    private readonly ConcurrentDictionary<string, int> _perOrg = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Identifies this gateway process's leases; a restarted gateway starts a fresh lease.</summary>
    public string GatewayId => instance.Id;

    public int Total => Volatile.Read(ref _total);

    /// <summary>Between tries of a lease call that failed before reaching the grain (see <see cref="AcquireLeaseAsync"/>).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Null when admitted (then <see cref="Release"/> must follow), else the description of the limit hit. The
    /// organisation's lease is retried for up to <paramref name="within"/> while its calls fail undelivered.
    /// </summary>
    public async Task<string?> TryAcquireAsync(PresenceCaller caller, string orgId, TimeSpan within)
    {
        if (Interlocked.Increment(ref _total) > _limits.MaxConnectionsPerGateway)
        {
            Interlocked.Decrement(ref _total);
            return "This gateway is at its connection limit; try another gateway or later.";
        }
        var userKey = PresenceIds.Key(orgId, caller.UserId);
        if (_perUser.AddOrUpdate(userKey, 1, (_, n) => n + 1) > _limits.MaxConnectionsPerUser)
        {
            Decrement(_perUser, userKey);
            Interlocked.Decrement(ref _total);
            return $"User '{caller.UserId}' already has {_limits.MaxConnectionsPerUser} open connections.";
        }
        bool admitted;
        try
        {
            admitted = await AcquireLeaseAsync(orgId, within);
        }
        catch
        {
            Decrement(_perUser, userKey);
            Interlocked.Decrement(ref _total);
            throw;
        }
        if (!admitted)
        {
            Decrement(_perUser, userKey);
            Interlocked.Decrement(ref _total);
            return $"Organisation '{orgId}' is at its connection limit.";
        }
        _perOrg.AddOrUpdate(orgId, 1, (_, n) => n + 1);
        return null;
    }

    /// <summary>
    /// One connection on the organisation's lease. In the second or two after a silo dies, until the cluster has declared
    /// it dead and the grain lives elsewhere, calls to a grain that lived there fail at once without reaching it
    /// (connection refused, silo unavailable); those are tried again every <see cref="RetryDelay"/> within the bound, so a
    /// client reconnecting during a failover is admitted instead of refused (a socket is still never admitted uncounted).
    /// A timeout is not retried: that call may have been counted.
    /// </summary>
    private async Task<bool> AcquireLeaseAsync(string orgId, TimeSpan within)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                var org = await organisations.GetAsync(orgId);
                var max = org?.Settings.MaxConnections is > 0 and var m ? m : _limits.DefaultMaxConnectionsPerOrg;
                return await grains.GetGrain<IConnectionQuotaGrain>(orgId).TryAcquireAsync(GatewayId, max, _limits.ConnectionLeaseTime);
            }
            catch (Exception ex) when (ClusterUnavailableHandler.IsUndelivered(ex) && System.Diagnostics.Stopwatch.GetElapsedTime(started) + RetryDelay < within)
            {
                await Task.Delay(RetryDelay);
            }
        }
    }

    public void Release(PresenceCaller caller, string orgId)
    {
        Decrement(_perUser, PresenceIds.Key(orgId, caller.UserId));
        Decrement(_perOrg, orgId);
        Interlocked.Decrement(ref _total);
        // Best effort: if it is lost, the next renewal carries the true count.
        _ = grains.GetGrain<IConnectionQuotaGrain>(orgId).ReleaseAsync(GatewayId).ContinueWith(
            static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    /// <summary>Sends every organisation's true count from this gateway, extending its leases.</summary>
    public async Task RenewAllAsync()
    {
        foreach (var (orgId, count) in _perOrg)
        {
            await grains.GetGrain<IConnectionQuotaGrain>(orgId).RenewAsync(GatewayId, count, _limits.ConnectionLeaseTime);
            if (count == 0) _perOrg.TryRemove(new KeyValuePair<string, int>(orgId, 0));
        }
    }

    private static void Decrement(ConcurrentDictionary<string, int> counts, string key)
    {
        var left = counts.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1));
        if (left == 0) counts.TryRemove(new KeyValuePair<string, int>(key, 0));
    }
}
