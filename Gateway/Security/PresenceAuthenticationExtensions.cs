using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
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
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<TokenValidator>();
        builder.Services.AddSingleton<DisplayTokens>();
        builder.Services.AddSingleton<SocketTickets>();
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
                // Sockets are authenticated by the socket endpoint itself (SocketCredentials), with these same parameters:
                // a principal cached by the request's handler would otherwise live, with the whole parsed token, for as
                // long as the socket (hours, times tens of thousands of sockets).
                OnMessageReceived = context =>
                {
                    if (context.HttpContext.WebSockets.IsWebSocketRequest) context.NoResult();
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
