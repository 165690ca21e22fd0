using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Bench.Load;

/// <summary>
/// Mints the HS256 bearer token every REST call and socket of the bench carries (roles system+admin on the bench org).
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

    public string SigningKey { get; }

    /// <summary>The gateway arguments that make it trust these tokens.</summary>
    public string[] GatewayArguments =>
        [$"--Auth:SigningKey={SigningKey}", $"--Auth:Issuer={Issuer}", $"--Auth:Audience={Audience}"];

    public string Mint(string orgId)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddHours(12),
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", "bench"),
                new Claim("org", orgId),
                new Claim("role", "system"),
                new Claim("role", "admin"),
            ]),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
