using Microsoft.AspNetCore.Routing.Matching;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>Endpoint metadata: the endpoint serves only WebSocket upgrades; a plain request on its path goes to the path's other endpoint.</summary>
public sealed class WebSocketUpgradeOnly
{
    public static readonly WebSocketUpgradeOnly Instance = new();

    private WebSocketUpgradeOnly()
    {
    }
}

/// <summary>
/// Lets an upgrade-only endpoint share its route with a REST endpoint: for a request that is not an upgrade the
/// upgrade-only candidate is struck off, and the other endpoint answers as if it were alone. For an upgrade, both
/// remain and the upgrade-only endpoint wins by its lower order.
/// </summary>
public sealed class WebSocketUpgradeOnlyPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<WebSocketUpgradeOnly>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        if (httpContext.WebSockets.IsWebSocketRequest) return Task.CompletedTask;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates[i].Endpoint.Metadata.GetMetadata<WebSocketUpgradeOnly>() is not null) candidates.SetValidity(i, false);
        }
        return Task.CompletedTask;
    }
}
