using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// A socket's credentials: the caller its token names and the close armed at the token's expiry (4003 unless a
/// refresh_token moves it). The socket keeps only these, not the token (see <see cref="SocketCredentials"/>).
/// </summary>
public sealed class ConnectionCredentials(PresenceConnection connection, ConnectionServices services) : IDisposable
{
    private ITimer? _expiry;

    /// <summary>The token's caller; null until the socket is admitted.</summary>
    public PresenceCaller? Caller { get; private set; }

    /// <summary>Binds the socket to the caller its handshake token names, and arms the close at the token's expiry.</summary>
    public void Authenticate(PresenceCaller caller, DateTimeOffset expiresAt)
    {
        Caller = caller;
        _expiry = services.Clock.CreateTimer(static state => ((PresenceConnection)state!).Close(PresenceCloseCodes.Unauthorized,
            "The access token expired; send refresh_token before expiry, or reconnect with a fresh token."),
            connection, DueIn(expiresAt), Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// refresh_token: swaps in a fresh token for the same user and organisation, moves the expiry and answers
    /// token_refreshed; anything else closes with 4003. The new roles apply to later subscribes only.
    /// </summary>
    public async Task RefreshAsync(string token)
    {
        var validated = await services.Tokens.ValidateAsync(token);
        if (validated is not { } fresh)
        {
            connection.Close(PresenceCloseCodes.Unauthorized, "The refreshed token is not valid.");
            return;
        }
        if (Caller is null || fresh.Caller.UserId != Caller.UserId || !fresh.Caller.BelongsTo(Caller.OrgId))
        {
            connection.Close(PresenceCloseCodes.Unauthorized, "A refreshed token must be for the same user and organisation.");
            return;
        }
        Caller = fresh.Caller;
        _expiry?.Change(DueIn(fresh.ExpiresAt), Timeout.InfiniteTimeSpan);
        connection.SendControl(PresenceMessageWriter.TokenRefreshed(fresh.ExpiresAt, services.Clock.GetUtcNow()));
    }

    public void Dispose() => _expiry?.Dispose();

    private TimeSpan DueIn(DateTimeOffset expiresAt)
    {
        var due = expiresAt - services.Clock.GetUtcNow();
        // Timers take at most ~49 days; a token that lives longer is re-armed by its refresh anyway.
        return due <= TimeSpan.Zero ? TimeSpan.Zero : due > TimeSpan.FromDays(30) ? TimeSpan.FromDays(30) : due;
    }
}
