using FreedomCti.Presence.Gateway.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>
/// The REST API's refusals before a body is read. The authorization middleware alone answers a bare 401 or 403; for a
/// REST route this answers with a problem document whose detail names the rule (<see cref="ApiAccessExtensions.Check"/>),
/// and it applies the route's role rule here too, so a caller whose roles do not allow a write is refused before the
/// gateway reads its body. Routes that are not the REST API (the dashboard) keep the default handling.
/// </summary>
public sealed class ApiRefusals : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ApiAccessMetadata>() is not { } access)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        if (ApiAccessExtensions.Check(context, access.Access) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        // The rule lets the caller through; a policy that still refuses keeps its default answer (none does today).
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
