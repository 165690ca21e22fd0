using FreedomCti.Presence.Hosting;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Checks the "Auth" section at start. The key source itself (length, one of key and authority) is checked even
/// earlier, when the key is loaded (<see cref="SigningKeys"/>).
/// </summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>More skew than this accepts tokens long expired.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A revoked display reads for at most this long after its last exchange.</summary>
    public static readonly TimeSpan MaxDisplayTokenLifetime = TimeSpan.FromHours(1);

    public static readonly TimeSpan MaxSocketTicketLifetime = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, AuthOptions o)
    {
        var rules = new OptionRules(AuthOptions.Section);
        rules.Require(!string.IsNullOrWhiteSpace(o.Audience), "Auth:Audience must not be empty: every token is checked for it.")
            .Require(!string.IsNullOrEmpty(o.Authority) || !string.IsNullOrWhiteSpace(o.Issuer), "Auth:Issuer must not be empty with a signing key.")
            .NotNegative(o.ClockSkew)
            .Require(o.ClockSkew <= MaxClockSkew, $"Auth:ClockSkew must be at most {MaxClockSkew} (is {o.ClockSkew}).")
            .Positive(o.DevTokenLifetime)
            .Positive(o.DisplayTokenLifetime)
            .Require(o.DisplayTokenLifetime <= MaxDisplayTokenLifetime,
                $"Auth:DisplayTokenLifetime must be at most {MaxDisplayTokenLifetime} (is {o.DisplayTokenLifetime}): it bounds how long a revoked display keeps reading.")
            .Positive(o.SocketTicketLifetime)
            .Require(o.SocketTicketLifetime <= MaxSocketTicketLifetime,
                $"Auth:SocketTicketLifetime must be at most {MaxSocketTicketLifetime} (is {o.SocketTicketLifetime}): a ticket is for the socket opened right after it.");
        if (!string.IsNullOrEmpty(o.Authority))
        {
            var absolute = Uri.TryCreate(o.Authority, UriKind.Absolute, out var authority);
            rules.Require(absolute, $"Auth:Authority '{o.Authority}' is not an absolute URL.")
                .Require(!absolute || !o.RequireHttpsMetadata || authority!.Scheme == Uri.UriSchemeHttps,
                    $"Auth:Authority '{o.Authority}' must be https while Auth:RequireHttpsMetadata is true.");
        }
        return rules.Result;
    }
}
