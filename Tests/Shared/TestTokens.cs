using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// The tests' one token minting helper (linked into every test project that needs tokens): HS256 bearer tokens with
/// the gateway's claims (sub, org, role), signed with a key the test gives its gateway (<see cref="GatewayArgs"/>),
/// and the bad tokens an attacker might present. The claims are laid out as the gateway's own DevTokens lays them out.
/// </summary>
public sealed class TestTokens
{
    public const string Issuer = "freedomcti-test";
    public const string Audience = "freedomcti-presence";

    /// <summary>A fresh random signing key (48 characters).</summary>
    public TestTokens() : this(Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)))
    {
    }

    /// <summary>A fixed signing key (at least 32 bytes), e.g. one the test host's settings carry.</summary>
    public TestTokens(string signingKey)
    {
        SigningKey = signingKey;
        Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey));
    }

    public string SigningKey { get; }

    public SymmetricSecurityKey Key { get; }

    /// <summary>The gateway settings that make it accept these tokens.</summary>
    public string[] GatewayArgs => [$"--Auth:SigningKey={SigningKey}", $"--Auth:Issuer={Issuer}", $"--Auth:Audience={Audience}"];

    /// <summary>A token valid for an hour with the roles given (none: a token without any role).</summary>
    public string Mint(string orgId, string subject, params string[] roles) => Mint(orgId, subject, roles, TimeSpan.FromHours(1));

    /// <summary>A token of <paramref name="lifetime"/> from <paramref name="issuedAt"/> (now unless given).</summary>
    public string Mint(string orgId, string subject, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset? issuedAt = null,
        string issuer = Issuer, string audience = Audience, SecurityKey? key = null)
    {
        var at = (issuedAt ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new List<Claim> { new("sub", subject), new("org", orgId) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = at,
            NotBefore = at,
            Expires = at + lifetime,
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token that expires <paramref name="lifetime"/> from now.</summary>
    public string ExpiringIn(string orgId, TimeSpan lifetime, string subject = "tester", params string[] roles) =>
        Mint(orgId, subject, roles.Length == 0 ? ["supervisor"] : roles, lifetime);

    /// <summary>A supervisor's token that expired a quarter of an hour ago.</summary>
    public string Expired(string orgId) =>
        Mint(orgId, "tester", ["supervisor"], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddMinutes(-20));

    /// <summary>Perfect claims, signed with an attacker's own key.</summary>
    public string Forged(string orgId) =>
        Mint(orgId, "tester", ["supervisor"], TimeSpan.FromHours(1),
            key: new SymmetricSecurityKey(Encoding.UTF8.GetBytes("an-attackers-own-key-0123456789-abcdefgh")));

    public string WrongAudience(string orgId) => Mint(orgId, "tester", ["supervisor"], TimeSpan.FromHours(1), audience: "some-other-service");

    public string WrongIssuer(string orgId) => Mint(orgId, "tester", ["supervisor"], TimeSpan.FromHours(1), issuer: "someone-else");

    /// <summary>An unsigned token ("alg":"none") with otherwise perfect claims.</summary>
    public static string AlgNone(string orgId)
    {
        static string B64(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return B64(new { alg = "none", typ = "JWT" }) + "." + B64(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = "tester", ["org"] = orgId,
            ["role"] = "admin", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600,
        }) + ".";
    }
}
