using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>JWT bearer authentication with the ASP.NET Core handler: no hand-written token checks.</summary>
public static class PresenceAuthenticationExtensions
{
    public static WebApplicationBuilder AddPresenceAuthentication(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new();
        var keys = new SigningKeys(options, demo: builder.Configuration.GetValue("Demo:Seed", false));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<TokenValidator>();
        builder.Services.AddHostedService<DevTokenPrinter>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false; // keep "sub", "org", "role" as issued
            if (!string.IsNullOrEmpty(options.Authority))
            {
                jwt.Authority = options.Authority;
                jwt.Audience = options.Audience;
                jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
            }
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = string.IsNullOrEmpty(options.Authority) ? options.Issuer : null,
                ValidateAudience = true,
                ValidAudience = options.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true, // refuses alg:none
                ValidateIssuerSigningKey = true,
                IssuerSigningKey = keys.Key,
                // A symmetric deployment only ever signs HS256; pinning it stops algorithm confusion.
                ValidAlgorithms = keys.Key is null ? null : [SecurityAlgorithms.HmacSha256],
                ClockSkew = options.ClockSkew,
                NameClaimType = PresenceClaims.Subject,
                RoleClaimType = PresenceClaims.Role,
            };
            jwt.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on a WebSocket handshake, so sockets may send the token in the query.
                // Only sockets: a REST token in a URL would end up in proxies' logs and browser history.
                OnMessageReceived = context =>
                {
                    if (context.HttpContext.WebSockets.IsWebSocketRequest &&
                        context.Request.Query.TryGetValue("access_token", out var token) && token.Count == 1)
                    {
                        context.Token = token[0];
                    }
                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorizationBuilder().AddPresencePolicies();

        // Request-start logs carry the query string, which may hold a token. Pinned in code so configuration cannot undo it.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.None);
        return builder;
    }
}
