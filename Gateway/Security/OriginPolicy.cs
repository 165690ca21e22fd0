namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Guards against cross-site WebSocket hijacking: a browser page from a foreign origin may not open a socket.
/// Clients that send no Origin (agents' native apps, integrations) are not browsers and are allowed.
/// </summary>
public static class OriginPolicy
{
    public static bool Allows(string? origin, IReadOnlyCollection<string> allowed) =>
        string.IsNullOrEmpty(origin) ||
        allowed.Contains("*") ||
        allowed.Any(a => string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
}
