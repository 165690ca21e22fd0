using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Validates a token sent in-band on an open socket (refresh_token) with exactly the parameters the JWT bearer
/// handler uses for the handshake, including keys from the OpenID Connect authority when one is configured.
/// </summary>
public sealed class TokenValidator(IOptionsMonitor<JwtBearerOptions> bearer)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<(PresenceCaller Caller, DateTimeOffset ExpiresAt)?> ValidateAsync(string token)
    {
        var options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } manager)
        {
            var configuration = await manager.GetConfigurationAsync(CancellationToken.None);
            parameters.ValidIssuer ??= configuration.Issuer;
            parameters.IssuerSigningKeys = configuration.SigningKeys;
        }
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid) return null;
        var caller = PresenceCaller.From(new ClaimsPrincipal(result.ClaimsIdentity));
        return caller is null ? null : (caller, new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero));
    }
}
