using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>GET on a socket path without an upgrade: the same snapshot document a subscriber receives first.</summary>
public static class SnapshotEndpoints
{
    public static async Task<IResult> GetAsync(HttpContext context, TopicKey key)
    {
        var services = context.RequestServices;
        if (!PresenceIds.IsValid(key.OrgId)) return ApiProblems.Invalid("orgId", ApiValidation.Id(key.OrgId, "orgId")!);
        var idField = key.Kind == TopicKind.User ? "userId" : "groupId";
        if (!PresenceIds.IsValid(key.Id)) return ApiProblems.Invalid(idField, ApiValidation.Id(key.Id, idField)!);

        var grains = services.GetRequiredService<IClusterClient>();
        var clock = services.GetRequiredService<TimeProvider>();
        if (!await services.GetRequiredService<OrganisationCache>().ExistsAsync(key.OrgId))
        {
            return ApiProblems.OrganisationNotFound(key.OrgId);
        }
        if (key.Kind == TopicKind.User)
        {
            var user = await grains.GetGrain<IUserGrain>(key.GrainKey).GetSnapshotAsync();
            return user is null ? ApiProblems.UserNotFound(key.OrgId, key.Id) : UserDocument(user, clock);
        }
        var group = await grains.GetGrain<IGroupGrain>(key.GrainKey).GetSnapshotAsync();
        if (group is null) return ApiProblems.GroupNotFound(key.OrgId, key.Id);
        // The same rule as for sockets: agents read only the groups they are in.
        var caller = PresenceCaller.From(context.User)!;
        // (A display's scope was checked with its route, ApiAccess.Read.)
        if (caller.NeedsMembership && !group.Members.Any(m => m.UserId == caller.UserId))
        {
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: "Only members, supervisors and admins may read this group.");
        }
        return GroupDocument(group, clock);
    }

    public static IResult UserDocument(UserSnapshot user, TimeProvider clock) => Results.Ok(user.Document(clock.GetUtcNow()));

    public static IResult GroupDocument(GroupSnapshot group, TimeProvider clock) => Results.Ok(group.Document(clock.GetUtcNow()));
}
