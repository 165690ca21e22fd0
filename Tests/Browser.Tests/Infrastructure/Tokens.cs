using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Browser.Tests.Infrastructure;

/// <summary>HS256 tokens (sub, org, role) signed with a key the test passes to its gateway process.</summary>
public sealed class Tokens
{
    public const string Issuer = "freedomcti-test";
    public const string Audience = "freedomcti-presence";

    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36));

    public string[] GatewayArgs => [$"--Auth:SigningKey={SigningKey}", $"--Auth:Issuer={Issuer}", $"--Auth:Audience={Audience}"];

    public string Mint(string orgId, string subject, params string[] roles) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["org"] = orgId, ["role"] = roles },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        });
}
