namespace FreedomCti.Presence.Gateway.Security;

/// <summary>Where tokens come from, bound from the "Auth" configuration section.</summary>
/// <remarks>
/// Set either <see cref="SigningKey"/> (one deployment signing its own HS256 tokens) or <see cref="Authority"/>
/// (an OpenID Connect provider whose discovery document supplies the keys). With neither, the gateway makes a
/// random development key at start and prints tokens for the demo tenant; authentication is never off.
/// </remarks>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "freedomcti-dev";
    public string Audience { get; set; } = "freedomcti-presence";

    /// <summary>HS256 key as a UTF-8 string of at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect authority, e.g. https://login.example.com/tenant/v2.0.</summary>
    public string? Authority { get; set; }

    /// <summary>Fetch the authority's metadata over HTTPS only; turn off only for a test authority on loopback.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Allowed difference between our clock and the issuer's.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Lifetime of the tokens the development run prints.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Lifetime of the read-only tokens a wall display gets for its display credential (POST /display/token). A revoked
    /// display's open board keeps its token at most this long; the board renews at about half of it.
    /// </summary>
    public TimeSpan DisplayTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a socket ticket (POST /organisation/{orgId}/socket-tickets) may wait to be used, once.</summary>
    public TimeSpan SocketTicketLifetime { get; set; } = TimeSpan.FromSeconds(30);
}
