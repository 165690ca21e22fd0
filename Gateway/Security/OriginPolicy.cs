namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Guards against cross-site WebSocket hijacking: a browser page from a foreign origin may not open a socket.
/// Clients that send no Origin (agents' native apps, integrations) are not browsers and are allowed.
/// The gateway's own pages (the wallboard) are same-origin: their Origin is the address the socket was asked on,
/// which a foreign page cannot forge (the browser sets Origin), so they are allowed on any port or host name.
/// </summary>
public static class OriginPolicy
{
    public static bool Allows(string? origin, IReadOnlyCollection<string> allowed, string? selfOrigin = null) =>
        string.IsNullOrEmpty(origin) ||
        allowed.Contains("*") ||
        (selfOrigin is not null && Same(origin, selfOrigin)) ||
        allowed.Any(a => Same(a, origin));

    /// <summary>The origin of the gateway as the request reached it (after forwarded headers): scheme://host[:port].</summary>
    public static string SelfOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}";

    private static bool Same(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
