using System.Security.Claims;
using System.Security.Cryptography;
using FreedomCti.Presence.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect issuer on loopback: a discovery document and a JWKS with an RSA key, served by Kestrel.
/// The gateway fetches its keys exactly as it would from a production identity provider.
/// </summary>
public sealed class TestAuthority : IAsyncDisposable
{
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key-1" };
    private WebApplication? _app;

    public string Issuer { get; private set; } = "";

    public static async Task<TestAuthority> StartAsync()
    {
        var authority = new TestAuthority();
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        authority._app = builder.Build();
        authority._app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = authority.Issuer,
            ["jwks_uri"] = authority.Issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        authority._app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(authority._key.Rsa.ExportParameters(false)) { KeyId = authority._key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        await authority._app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        authority.Issuer = authority._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return authority;
    }

    /// <summary>An RS256 token from this authority (or, with <paramref name="signWith"/>, one it did not sign).</summary>
    public string Token(string orgId, string userId, string role, SecurityKey? signWith = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = GatewayHost.Audience,
            Subject = new ClaimsIdentity([new(PresenceClaims.Subject, userId), new(PresenceClaims.Organisation, orgId), new(PresenceClaims.Role, role)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(signWith ?? _key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
