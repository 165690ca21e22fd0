using Microsoft.Net.Http.Headers;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Reads and validates a WebSocket handshake's token: the Authorization header, or for browsers (which cannot set
/// headers on a handshake) the access_token query parameter. Only sockets accept a token in the URL: a REST token
/// there would end up in proxies' logs and browser history.
/// </summary>
public static class SocketCredentials
{
    /// <summary>The caller and its token's expiry, or null when no valid token was presented.</summary>
    public static async Task<(PresenceCaller Caller, DateTimeOffset ExpiresAt)?> AuthenticateAsync(HttpContext context, TokenValidator tokens)
    {
        var token = TokenOf(context.Request);
        return string.IsNullOrEmpty(token) ? null : await tokens.ValidateAsync(token);
    }

    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        return request.Query.TryGetValue("access_token", out var query) && query.Count == 1 ? query[0] : null;
    }
}
