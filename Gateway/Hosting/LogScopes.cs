using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// Structured logging scopes: orgId, userId, groupId and connectionId on every log line written while handling a
/// socket or a REST call, so logs can be filtered per tenant, user, group or connection (JSON console with IncludeScopes).
/// </summary>
public static class LogScopes
{
    public static Dictionary<string, object> ForTopic(TopicKey key, string connectionId) => new(StringComparer.Ordinal)
    {
        ["orgId"] = key.OrgId,
        [key.Kind == TopicKind.User ? "userId" : "groupId"] = key.Id,
        ["connectionId"] = connectionId,
    };

    /// <summary>Opens a scope with the route's orgId, userId and groupId for the rest of the request.</summary>
    public static async Task FromRouteAsync(HttpContext context, RequestDelegate next)
    {
        var route = context.Request.RouteValues;
        var ids = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var key in new[] { "orgId", "userId", "groupId" })
        {
            if (route.TryGetValue(key, out var value) && value is string text) ids[key] = text;
        }
        if (ids.Count == 0)
        {
            await next(context);
            return;
        }
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FreedomCti.Presence.Gateway.Requests");
        using (logger.BeginScope(ids))
        {
            await next(context);
        }
    }
}
