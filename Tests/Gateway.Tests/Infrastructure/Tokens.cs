using System.Text;
using System.Text.Json;
using FreedomCti.Presence.Gateway.Security;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>Tokens an attacker might present.</summary>
public static class Tokens
{
    public static string Expired(string orgId) =>
        DevTokens.Issue(GatewayHost.Key, GatewayHost.Issuer, GatewayHost.Audience, "tester", orgId, [PresenceRoles.Supervisor],
            TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddMinutes(-20));

    public static string Forged(string orgId) =>
        DevTokens.Issue(new SymmetricSecurityKey(Encoding.UTF8.GetBytes("an-attackers-own-key-0123456789-abcdefgh")),
            GatewayHost.Issuer, GatewayHost.Audience, "tester", orgId, [PresenceRoles.Supervisor], TimeSpan.FromHours(1));

    public static string WrongAudience(string orgId) =>
        DevTokens.Issue(GatewayHost.Key, GatewayHost.Issuer, "some-other-service", "tester", orgId, [PresenceRoles.Supervisor], TimeSpan.FromHours(1));

    public static string WrongIssuer(string orgId) =>
        DevTokens.Issue(GatewayHost.Key, "someone-else", GatewayHost.Audience, "tester", orgId, [PresenceRoles.Supervisor], TimeSpan.FromHours(1));

    /// <summary>An unsigned token ("alg":"none") with otherwise perfect claims.</summary>
    public static string AlgNone(string orgId)
    {
        static string B64(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return B64(new { alg = "none", typ = "JWT" }) + "." + B64(new Dictionary<string, object>
        {
            ["iss"] = GatewayHost.Issuer, ["aud"] = GatewayHost.Audience, ["sub"] = "tester", ["org"] = orgId,
            ["role"] = "admin", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600,
        }) + ".";
    }

    public static string ExpiringIn(string orgId, TimeSpan lifetime, string userId = "tester", params string[] roles) =>
        DevTokens.Issue(GatewayHost.Key, GatewayHost.Issuer, GatewayHost.Audience, userId, orgId,
            roles.Length == 0 ? [PresenceRoles.Supervisor] : roles, lifetime);
}
