using Microsoft.Net.Http.Headers;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Reads and validates a WebSocket handshake's credentials: the Authorization header; for browsers (which cannot set
/// headers on a handshake) a single-use ticket (<c>?ticket=</c>, <see cref="SocketTickets"/>), or the access_token query
/// parameter that older clients send. Only sockets accept a token in the URL: a REST token there would end up in
/// proxies' logs and browser history.
/// </summary>
public static class SocketCredentials
{
    /// <summary>The caller and its token's expiry, or null when no valid token or ticket was presented.</summary>
    public static async Task<(PresenceCaller Caller, DateTimeOffset ExpiresAt)?> AuthenticateAsync(HttpContext context, TokenValidator tokens, SocketTickets tickets)
    {
        var token = TokenOf(context.Request);
        if (!string.IsNullOrEmpty(token)) return await tokens.ValidateAsync(token);
        return context.Request.Query.TryGetValue("ticket", out var ticket) && ticket.Count == 1 && !string.IsNullOrEmpty(ticket[0])
            ? await tickets.RedeemAsync(ticket[0]!)
            : null;
    }

    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        return request.Query.TryGetValue("access_token", out var query) && query.Count == 1 ? query[0] : null;
    }
}
