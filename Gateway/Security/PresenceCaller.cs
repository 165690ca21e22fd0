using System.Security.Claims;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>Who is calling, read from a validated token: the rules of docs/security.md in one place.</summary>
public sealed record PresenceCaller(string UserId, string OrgId, IReadOnlySet<string> Roles)
{
    /// <summary>The caller of an authenticated principal, or null when the token lacks sub or org.</summary>
    public static PresenceCaller? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        var sub = principal.FindFirst(PresenceClaims.Subject)?.Value;
        var org = principal.FindFirst(PresenceClaims.Organisation)?.Value;
        if (string.IsNullOrEmpty(sub) || string.IsNullOrEmpty(org)) return null;
        var roles = principal.FindAll(PresenceClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new PresenceCaller(sub, org, roles);
    }

    public bool Is(string role) => Roles.Contains(role);

    public bool BelongsTo(string orgId) => string.Equals(OrgId, orgId, StringComparison.Ordinal);

    /// <summary>Supervisors, admins and integrations see every group; agents only the groups they are in.</summary>
    public bool SeesAllGroups => Is(PresenceRoles.Supervisor) || Is(PresenceRoles.Admin) || Is(PresenceRoles.System);

    public bool CanSetPresenceOf(string userId) =>
        SeesAllGroups || (Is(PresenceRoles.Agent) && string.Equals(UserId, userId, StringComparison.Ordinal));

    public bool CanReportCallsAndQueues => Is(PresenceRoles.System);

    public bool CanEditDirectory => Is(PresenceRoles.Admin) || Is(PresenceRoles.System);
}
