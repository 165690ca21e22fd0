namespace FreedomCti.Presence.Gateway.Security;

/// <summary>The values of the "role" claim; a token may carry several.</summary>
public static class PresenceRoles
{
    /// <summary>Watches anyone in the org and their own groups; sets their own presence.</summary>
    public const string Agent = "agent";
    /// <summary>Watches every group of the org; sets anyone's presence.</summary>
    public const string Supervisor = "supervisor";
    /// <summary>Everything a supervisor can, plus the directory.</summary>
    public const string Admin = "admin";
    /// <summary>Integrations (PBX, ACD, directory sync): calls, queues, directory, presence.</summary>
    public const string System = "system";

    /// <summary>
    /// A wall display's token, minted only by the gateway in exchange for a display credential (docs/security.md, "Wall
    /// displays"): it watches the groups of its scope and nothing else, and never writes, whatever other role it carries.
    /// </summary>
    public const string Display = "display";

    /// <summary>Every role this service knows; others in a token are ignored.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>([Agent, Supervisor, Admin, System, Display], StringComparer.Ordinal);
}

/// <summary>The claim names this service reads.</summary>
public static class PresenceClaims
{
    public const string Subject = "sub";
    public const string Organisation = "org";
    public const string Role = "role";
    /// <summary>A display token's groups (a string or an array); none: every group of the organisation.</summary>
    public const string Groups = "grp";
}
