using System.Security.Cryptography;
using System.Text;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Wall displays' credentials: made once per display by an admin (only their SHA-256 is stored, in the organisation's
/// <see cref="IDisplayRegistryGrain"/>), and exchanged by the board for short-lived read-only tokens (<see cref="DisplayTokens"/>).
/// A credential reads <c>fcd_{orgId}:{displayId}:{secret}</c>: the ids say which registry to ask, the secret is 256
/// random bits. The prefix lets secret scanners and log redaction recognise one.
/// </summary>
public static class DisplayCredentials
{
    public const string Prefix = "fcd_";

    /// <summary>A new display id and its credential.</summary>
    public static (string DisplayId, string Credential, byte[] SecretHash) Create(string orgId)
    {
        var displayId = "display-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = SocketTickets.Base64Url(RandomNumberGenerator.GetBytes(32));
        return (displayId, $"{Prefix}{orgId}:{displayId}:{secret}", Hash(secret));
    }

    /// <summary>The parts of a credential, or null when it is not one (no grain is asked for a malformed one).</summary>
    public static (string OrgId, string DisplayId, byte[] SecretHash)? Parse(string? credential)
    {
        if (credential is null || credential.Length > 200 || !credential.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var parts = credential[Prefix.Length..].Split(':');
        if (parts is not [var orgId, var displayId, var secret] || !PresenceIds.IsValid(orgId) || !PresenceIds.IsValid(displayId)
            || secret.Length < 40)
        {
            return null;
        }
        return (orgId, displayId, Hash(secret));
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}

/// <summary>
/// Mints a wall display's token: HS256 with the gateway's own key, for <c>Auth:Issuer</c> and <c>Auth:Audience</c>, so
/// every gateway validates it like any other token; sub is the display id, the only role <c>display</c>, claim grp its
/// groups, and it lives <see cref="AuthOptions.DisplayTokenLifetime"/>. Without a signing key (<c>Auth:Authority</c>) the
/// gateway cannot mint, and display credentials are not offered.
/// </summary>
public sealed class DisplayTokens(SigningKeys keys, AuthOptions options, TimeProvider clock)
{
    public bool Available => keys.Key is not null;

    public (string Token, DateTimeOffset ExpiresAt) Issue(string orgId, DisplayRegistration display)
    {
        var now = clock.GetUtcNow();
        var token = DevTokens.Issue(keys.Key ?? throw new InvalidOperationException("Display tokens need Auth:SigningKey."),
            options.Issuer, options.Audience, display.DisplayId, orgId, [PresenceRoles.Display], options.DisplayTokenLifetime, now, display.Groups);
        // JWT times are whole seconds: the expiry the token really carries.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + options.DisplayTokenLifetime).ToUnixTimeSeconds());
        return (token, expiresAt);
    }
}
