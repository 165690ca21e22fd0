using Microsoft.AspNetCore.Authorization;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// The authorization policy every REST endpoint requires: a valid token whose "org" is the organisation in the path.
/// Enforced by the authorization middleware, before the request body is read, so an anonymous or foreign caller
/// cannot make the gateway parse a large body. Role rules per endpoint follow in <see cref="ApiAccessExtensions"/>.
/// </summary>
public static class PresencePolicies
{
    public const string SameOrganisation = "same-organisation";

    public static AuthorizationBuilder AddPresencePolicies(this AuthorizationBuilder authorization) =>
        authorization.AddPolicy(SameOrganisation, policy => policy
            .RequireAuthenticatedUser()
            .RequireClaim(PresenceClaims.Subject)
            .RequireClaim(PresenceClaims.Organisation)
            .RequireAssertion(context =>
                context.Resource is HttpContext http &&
                PresenceCaller.From(context.User) is { } caller &&
                http.GetRouteValue("orgId") is string orgId &&
                caller.BelongsTo(orgId)));
}
