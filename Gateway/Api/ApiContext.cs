using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>The services a REST handler needs, injected as one parameter.</summary>
public sealed class ApiContext(IClusterClient grains, OrganisationCache organisations, TimeProvider clock)
{
    public IClusterClient Grains { get; } = grains;
    public TimeProvider Clock { get; } = clock;
    public OrganisationCache Organisations { get; } = organisations;

    public IUserGrain User(string orgId, string userId) => Grains.GetGrain<IUserGrain>(PresenceIds.Key(orgId, userId));
    public IGroupGrain Group(string orgId, string groupId) => Grains.GetGrain<IGroupGrain>(PresenceIds.Key(orgId, groupId));
    public IDirectoryGrain Directory(string orgId) => Grains.GetGrain<IDirectoryGrain>(orgId);

    /// <summary>Checks that the organisation exists (ids were validated before the handler ran); returns the answer to send when not.</summary>
    public async Task<IResult?> CheckAsync(string orgId) =>
        await Organisations.ExistsAsync(orgId) ? null : ApiProblems.OrganisationNotFound(orgId);
}
