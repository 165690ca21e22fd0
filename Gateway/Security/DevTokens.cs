using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// Mints HS256 tokens with this service's claims: the one minting code, used by the development run's printed tokens,
/// the <c>token</c> command (<see cref="TokenCommand"/>) and wall displays' tokens (<see cref="DisplayTokens"/>).
/// The tests mint theirs with Tests/Shared/TestTokens.cs, which lays the claims out the same way.
/// </summary>
public static class DevTokens
{
    public static string Issue(SecurityKey key, string issuer, string audience, string userId, string orgId,
        IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset? now = null, IEnumerable<string>? groups = null)
    {
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new List<Claim> { new(PresenceClaims.Subject, userId), new(PresenceClaims.Organisation, orgId) };
        claims.AddRange(roles.Select(r => new Claim(PresenceClaims.Role, r)));
        claims.AddRange((groups ?? []).Select(g => new Claim(PresenceClaims.Groups, g)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
