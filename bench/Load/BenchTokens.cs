using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Bench.Load;

/// <summary>
/// Mints the HS256 bearer token every REST call and socket of the bench carries (roles system+admin on the bench org),
/// and people's own tokens (an agent's `sub` is the agent) for the multiplex scenario.
/// A gateway without auth ignores it; one with auth validates it against the key, issuer and audience passed to it.
/// </summary>
public sealed class BenchTokens
{
    public const string Issuer = "freedomcti-bench";
    public const string Audience = "freedomcti-presence";

    public BenchTokens()
    {
        // 48 random characters from a fixed alphabet: UTF-8, and well over the 32-byte minimum.
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        SigningKey = string.Concat(Enumerable.Range(0, 48).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]));
    }

    /// <summary>Tokens signed with a key already given to a gateway (a subscriber process mints its people's own tokens).</summary>
    public BenchTokens(string signingKey) => SigningKey = signingKey;

    public string SigningKey { get; }

    /// <summary>The gateway arguments that make it trust these tokens.</summary>
    public string[] GatewayArguments =>
        [$"--Auth:SigningKey={SigningKey}", $"--Auth:Issuer={Issuer}", $"--Auth:Audience={Audience}"];

    public string Mint(string orgId) => Mint(orgId, "bench", "system", "admin");

    /// <summary>A person's own token: <paramref name="sub"/> is the user (an agent's session needs its own), with these roles.</summary>
    public string Mint(string orgId, string sub, params string[] roles)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddHours(12),
            Subject = new ClaimsIdentity(
                [new Claim("sub", sub), new Claim("org", orgId), .. roles.Select(r => new Claim("role", r))]),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
