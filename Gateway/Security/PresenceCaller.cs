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
        var groups = principal.FindAll(PresenceClaims.Groups).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new PresenceCaller(sub, org, roles) { Groups = groups };
    }

    /// <summary>A display's groups (claim grp); empty: every group of the organisation. Read only for displays.</summary>
    public IReadOnlySet<string> Groups { get; init; } = new HashSet<string>();

    public bool Is(string role) => Roles.Contains(role);

    /// <summary>A wall display's token: it reads the groups of its scope and nothing else, and never writes.</summary>
    public bool IsDisplay => Is(PresenceRoles.Display);

    /// <summary>Whether the caller may watch or read a user at all: every user of the org may, a display may not.</summary>
    public bool MayWatchUsers => !IsDisplay;

    /// <summary>Whether a display may watch this group (its scope names it, or it has none); every other caller: true (membership is checked apart).</summary>
    public bool ScopeAllows(string groupId) => !IsDisplay || Groups.Count == 0 || Groups.Contains(groupId);

    /// <summary>Group watches that need the caller's sub to be a member: agents and role-less tokens (not displays, whose scope decides).</summary>
    public bool NeedsMembership => !SeesAllGroups && !IsDisplay;

    public bool BelongsTo(string orgId) => string.Equals(OrgId, orgId, StringComparison.Ordinal);

    /// <summary>Supervisors, admins and integrations see every group; agents only the groups they are in.</summary>
    /// <remarks>A display never does, whatever else its token says: it is read-only and scoped.</remarks>
    public bool SeesAllGroups => !IsDisplay && (Is(PresenceRoles.Supervisor) || Is(PresenceRoles.Admin) || Is(PresenceRoles.System));

    public bool CanSetPresenceOf(string userId) =>
        SeesAllGroups || (!IsDisplay && Is(PresenceRoles.Agent) && string.Equals(UserId, userId, StringComparison.Ordinal));

    public bool CanReportCallsAndQueues => !IsDisplay && Is(PresenceRoles.System);

    public bool CanEditDirectory => !IsDisplay && (Is(PresenceRoles.Admin) || Is(PresenceRoles.System));

    /// <summary>Issuing and revoking wall displays: admins of the organisation.</summary>
    public bool CanManageDisplays => !IsDisplay && Is(PresenceRoles.Admin);
}
