using System.Collections.Concurrent;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Remembers which organisations exist, so a login storm of thousands of subscribes does not turn into
/// thousands of calls on one organisation grain. Only positive answers are cached: a new tenant is visible at once.
/// </summary>
public sealed class OrganisationCache(IGrainFactory grains, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _known = new(StringComparer.Ordinal);

    public async Task<bool> ExistsAsync(string orgId)
    {
        var now = clock.GetUtcNow();
        if (_known.TryGetValue(orgId, out var expires) && expires > now) return true;
        var exists = await grains.GetGrain<IOrganisationGrain>(orgId).GetAsync() is not null;
        if (exists) _known[orgId] = now + Lifetime;
        else _known.TryRemove(orgId, out _);
        return exists;
    }
}
