using System.Collections.Immutable;

namespace FreedomCti.Presence;

/// <summary>
/// A single-use WebSocket ticket, keyed by the hash of the ticket (the ticket itself is never a grain key): issued for
/// a validated bearer token, redeemed once by whichever gateway the socket reaches.
/// </summary>
/// <remarks>Held in memory only: a ticket lost with its silo is refused, and the client asks for another.</remarks>
[Alias("fcti.ISocketTicketGrain")]
public interface ISocketTicketGrain : IGrainWithStringKey
{
    /// <summary>Holds the caller until it is redeemed or <see cref="SocketTicket.ExpiresAt"/>; false when this key holds a ticket already.</summary>
    [Alias("Issue")]
    Task<bool> IssueAsync(SocketTicket ticket);

    /// <summary>The ticket, once: every later call answers null.</summary>
    [Alias("Redeem")]
    Task<SocketTicket?> RedeemAsync();
}

/// <summary>The caller a ticket stands for: the claims of the token it was issued for, and that token's expiry.</summary>
[GenerateSerializer, Immutable, Alias("fcti.SocketTicket")]
public sealed record SocketTicket(
    [property: Id(0)] string UserId,
    [property: Id(1)] string OrgId,
    [property: Id(2)] ImmutableArray<string> Roles,
    [property: Id(3)] ImmutableArray<string> Groups,
    [property: Id(4)] DateTimeOffset TokenExpiresAt,
    [property: Id(5)] DateTimeOffset ExpiresAt);
