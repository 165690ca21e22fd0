using System.Collections.Concurrent;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Remembers organisations (existence and settings) for a short while, so a login storm of thousands of
/// subscribes does not turn into thousands of calls on one organisation grain. Only organisations that exist
/// are cached: a new tenant is visible at once; changed settings apply within <see cref="Lifetime"/>.
/// </summary>
public sealed class OrganisationCache(IGrainFactory grains, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (OrganisationInfo Info, DateTimeOffset Expires)> _known = new(StringComparer.Ordinal);

    public async Task<OrganisationInfo?> GetAsync(string orgId)
    {
        var now = clock.GetUtcNow();
        if (_known.TryGetValue(orgId, out var entry) && entry.Expires > now) return entry.Info;
        var info = await grains.GetGrain<IOrganisationGrain>(orgId).GetAsync();
        if (info is not null) _known[orgId] = (info, now + Lifetime);
        else _known.TryRemove(orgId, out _);
        return info;
    }

    public async Task<bool> ExistsAsync(string orgId) => await GetAsync(orgId) is not null;

    /// <summary>The organisation's presence-session rules; disabled when it has none (or does not exist).</summary>
    public async Task<SessionPolicy> SessionPolicyAsync(string orgId) =>
        (await GetAsync(orgId))?.Settings.SessionPolicy ?? SessionPolicy.Disabled;

    /// <summary>Drops a cached entry after this gateway changed the organisation.</summary>
    public void Forget(string orgId) => _known.TryRemove(orgId, out _);
}
