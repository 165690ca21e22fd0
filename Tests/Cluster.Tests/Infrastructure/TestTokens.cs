using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// HS256 bearer tokens as the gateway's JWT authentication expects them (issue 3): sub, org and role claims,
/// signed with the key the test passes to every gateway. A gateway without authentication ignores them.
/// </summary>
public sealed class TestTokens
{
    public const string Issuer = "freedomcti-test";
    public const string Audience = "freedomcti-presence";

    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)); // 48 characters

    public string[] GatewayArgs =>
        [$"--Auth:SigningKey={SigningKey}", $"--Auth:Issuer={Issuer}", $"--Auth:Audience={Audience}"];

    public string Mint(string orgId, string subject = "cluster-test")
    {
        var handler = new JsonWebTokenHandler();
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["org"] = orgId,
                ["role"] = new[] { "system", "admin" },
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
