using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// <c>dotnet FreedomCti.Presence.Gateway.dll token --org org-1 --sub user-1 --role supervisor --ttl 1h</c> prints one token
/// signed with the configured <c>Auth:SigningKey</c>, for <c>Auth:Issuer</c> and <c>Auth:Audience</c>, read as the gateway
/// reads them (appsettings.json in the app's folder, <c>Auth__*</c> environment variables, <c>--Auth:…=</c> arguments).
/// For integration tests, scripts and gateways that share a key (the split topology). Mints with <see cref="DevTokens"/>.
/// </summary>
public static class TokenCommand
{
    public const string Name = "token";

    private static readonly string[] Roles = [PresenceRoles.Agent, PresenceRoles.Supervisor, PresenceRoles.Admin, PresenceRoles.System];

    public static bool IsInvoked(string[] args) => args is [Name, ..];

    /// <returns>The process exit code: 0 with the token on <paramref name="output"/>, otherwise 1 with the reason on <paramref name="error"/>.</returns>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var org = new Option<string>("--org") { Description = "The organisation (claim org).", Required = true, CustomParser = Id };
        var sub = new Option<string>("--sub") { Description = "The user id (claim sub).", Required = true, CustomParser = Id };
        var roles = new Option<string[]>("--role")
        {
            Description = $"Roles (claim role): {string.Join(", ", Roles)}; repeat the option or separate with commas. None: read-only.",
            CustomParser = RoleList,
        };
        var ttl = new Option<TimeSpan>("--ttl")
        {
            Description = "Lifetime: 90s, 15m, 1h, 7d or 01:00:00.",
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
            CustomParser = Lifetime,
        };
        var command = new Command(Name, "Prints a token signed with the configured Auth:SigningKey.") { org, sub, roles, ttl };
        // What the options do not name are settings, as on the gateway's own command line: --Auth:SigningKey=…
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, _) => Task.FromResult(Mint(result, result.GetRequiredValue(org), result.GetRequiredValue(sub),
            result.GetValue(roles) ?? [], result.GetValue(ttl), output ?? Console.Out, error ?? Console.Error)));

        var invocation = new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error };
        return new RootCommand("The FreedomCTI presence gateway") { command }.Parse(args).InvokeAsync(invocation).GetAwaiter().GetResult();
    }

    private static int Mint(ParseResult result, string org, string sub, string[] roles, TimeSpan ttl, TextWriter output, TextWriter error)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. result.UnmatchedTokens])
            .Build();
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new();
        if (string.IsNullOrEmpty(auth.SigningKey))
        {
            error.WriteLine(string.IsNullOrEmpty(auth.Authority)
                ? "No Auth:SigningKey is configured: set it as the gateways have it (Auth__SigningKey=… or --Auth:SigningKey=…). " +
                  "The demo run's random key lives only in its process, which prints its own tokens."
                : "Auth:Authority is configured: tokens come from that OpenID Connect provider, not from this command.");
            return 1;
        }
        try
        {
            var key = new SigningKeys(auth, demo: false).Key!; // the gateway's own checks: length, one key source
            output.WriteLine(DevTokens.Issue(key, auth.Issuer, auth.Audience, sub, org, roles, ttl));
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static string Id(ArgumentResult result)
    {
        var value = result.Tokens.Single().Value;
        if (!PresenceIds.IsValid(value)) result.AddError($"'{value}' is not an id: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        return value;
    }

    private static string[] RoleList(ArgumentResult result)
    {
        var values = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToArray();
        foreach (var unknown in values.Except(Roles)) result.AddError($"Unknown role '{unknown}': use {string.Join(", ", Roles)}.");
        return values;
    }

    private static TimeSpan Lifetime(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        TimeSpan? value = text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            }
            : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
        if (value is not { } lifetime || lifetime <= TimeSpan.Zero)
        {
            result.AddError($"--ttl '{text}' is not a lifetime like 90s, 15m, 1h, 7d or 01:00:00.");
            return default;
        }
        return lifetime;
    }
}
