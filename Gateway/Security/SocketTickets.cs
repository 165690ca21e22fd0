using System.Security.Cryptography;
using System.Text;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Single-use WebSocket tickets: a caller with a bearer token asks for one over REST (the token in the Authorization
/// header) and opens its socket with <c>?ticket=</c>, so no token is ever put in a URL, where browsers' developer tools,
/// proxies' and load balancers' logs would show it. A ticket is 256 random bits, lives <see cref="AuthOptions.SocketTicketLifetime"/>
/// (30 s), is redeemed once on any gateway (a grain keyed by its hash holds it), and stands for the caller of the token
/// it was issued for until that token's expiry (then the socket closes with 4003 unless refresh_token moves it).
/// </summary>
public sealed class SocketTickets(IClusterClient grains, TimeProvider clock, AuthOptions options)
{
    public const string Prefix = "fct_";

    /// <summary>A new ticket for the caller, and when it stops being accepted.</summary>
    public async Task<(string Ticket, DateTimeOffset ExpiresAt)> IssueAsync(PresenceCaller caller, DateTimeOffset tokenExpiresAt)
    {
        var ticket = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var expiresAt = clock.GetUtcNow() + options.SocketTicketLifetime;
        if (expiresAt > tokenExpiresAt) expiresAt = tokenExpiresAt; // never outlive the token it stands for
        var held = await Grain(ticket).IssueAsync(new SocketTicket(caller.UserId, caller.OrgId, [.. caller.Roles], [.. caller.Groups], tokenExpiresAt, expiresAt));
        if (!held) throw new InvalidOperationException("A fresh socket ticket collided with another; this should not happen.");
        return (ticket, expiresAt);
    }

    /// <summary>The caller of a ticket and its token's expiry, or null when the ticket is unknown, used or expired.</summary>
    public async Task<(PresenceCaller Caller, DateTimeOffset ExpiresAt)?> RedeemAsync(string ticket)
    {
        if (!ticket.StartsWith(Prefix, StringComparison.Ordinal) || ticket.Length > 100) return null;
        var held = await Grain(ticket).RedeemAsync();
        var now = clock.GetUtcNow();
        if (held is null || now >= held.ExpiresAt || now >= held.TokenExpiresAt) return null;
        var caller = new PresenceCaller(held.UserId, held.OrgId, held.Roles.ToHashSet(StringComparer.Ordinal))
        {
            Groups = held.Groups.ToHashSet(StringComparer.Ordinal),
        };
        return (caller, held.TokenExpiresAt);
    }

    private ISocketTicketGrain Grain(string ticket) =>
        grains.GetGrain<ISocketTicketGrain>(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticket))));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
