namespace FreedomCti.Presence.Gateway.Security;

/// <summary>What a REST endpoint needs from the caller's token, beyond belonging to the path's organisation.</summary>
public enum ApiAccess
{
    /// <summary>Any user of the organisation.</summary>
    Read,
    /// <summary>The user in the path themself (agent), or a supervisor, admin or integration.</summary>
    Presence,
    /// <summary>Integrations only (role system): the PBX and ACD report calls and queues.</summary>
    CallsAndQueues,
    /// <summary>Admins of the organisation and integrations (directory sync).</summary>
    Directory,
    /// <summary>Admins of the organisation: issuing, listing and revoking wall displays' credentials.</summary>
    Displays,
}

/// <summary>
/// Endpoint metadata naming the access rule an endpoint enforces. The OpenAPI description reads it: an endpoint with it
/// is part of the public REST API, needs a bearer token, and its description names who may call it.
/// </summary>
public sealed record ApiAccessMetadata(ApiAccess Access);

/// <summary>
/// Endpoint metadata for the REST API's anonymous operations (POST /display/token, where the credential in the body is
/// the proof): part of the public API and its OpenAPI description, with no bearer requirement.
/// </summary>
public sealed class AnonymousApiMetadata
{
    public static readonly AnonymousApiMetadata Instance = new();
    private AnonymousApiMetadata() { }
}

/// <summary>Enforces <see cref="ApiAccess"/> on REST endpoints: 401 without a valid token, 403 for another org or role.</summary>
public static class ApiAccessExtensions
{
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, ApiAccess access) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) => Check(context.HttpContext, access) ?? await next(context))
            .WithMetadata(new ApiAccessMetadata(access));

    /// <summary>Why <paramref name="caller"/> may not call a route with this rule, naming the rule and what the token lacks.</summary>
    public static string Refusal(ApiAccess access, PresenceCaller caller)
    {
        var roles = caller.Roles.Where(PresenceRoles.All.Contains).Order(StringComparer.Ordinal).ToList();
        var has = roles.Count == 0 ? "This token has no role" : $"This token's roles are {string.Join(", ", roles)}";
        return access switch
        {
            _ when caller.IsDisplay =>
                "This is a wall display's token: it reads only the groups of its scope (and the organisation), never a user, and never writes.",
            ApiAccess.Presence when caller.Is(PresenceRoles.Agent) =>
                "Agents may set only their own presence (the token's sub must be the userId in the path); supervisors, admins and integrations may set anyone's.",
            ApiAccess.Presence =>
                $"{has}. Setting presence needs role 'agent' (for the token's own user) or 'supervisor', 'admin' or 'system'.",
            ApiAccess.CallsAndQueues => $"{has}. Calls and queue events are reported by integrations (role 'system').",
            ApiAccess.Displays => $"{has}. Wall displays are issued, listed and revoked by admins of the organisation (role 'admin').",
            _ => $"{has}. The directory is managed by admins of the organisation and integrations (role 'admin' or 'system').",
        };
    }

    /// <summary>The refusal to send, or null when the caller may go on.</summary>
    public static IResult? Check(HttpContext http, ApiAccess access)
    {
        var caller = PresenceCaller.From(http.User);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: 401, title: "Unauthorized",
                detail: "A valid bearer token with 'sub' and 'org' claims is required (Authorization: Bearer ...).");
        }
        var orgId = http.Request.RouteValues["orgId"] as string;
        if (orgId is null || !caller.BelongsTo(orgId))
        {
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: "The token is for another organisation.");
        }
        var allowed = access switch
        {
            // A display reads the organisation and the groups of its scope, never a user (its routes name a userId).
            ApiAccess.Read => !caller.IsDisplay || (http.Request.RouteValues["userId"] is null &&
                (http.Request.RouteValues["groupId"] is not string groupId || caller.ScopeAllows(groupId))),
            ApiAccess.Presence => caller.CanSetPresenceOf(http.Request.RouteValues["userId"] as string ?? ""),
            ApiAccess.CallsAndQueues => caller.CanReportCallsAndQueues,
            ApiAccess.Directory => caller.CanEditDirectory,
            ApiAccess.Displays => caller.CanManageDisplays,
            _ => false,
        };
        return allowed ? null : Results.Problem(statusCode: 403, title: "Forbidden", detail: Refusal(access, caller));
    }
}
