using FreedomCti.Presence.Gateway.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FreedomCti.Presence.Gateway.Security;

/// <summary>
/// In the development run (no key configured), prints ready-to-use tokens for the demo tenant and a
/// ready-to-paste socket URL, so a newcomer is connected within a minute. Printed to the console, never logged.
/// </summary>
public sealed class DevTokenPrinter(SigningKeys keys, AuthOptions options, IServer server, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys.IsDevelopmentKey) lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        string Token(string user, params string[] roles) =>
            DevTokens.Issue(keys.Key!, options.Issuer, options.Audience, user, DemoTenant.OrgId, roles, options.DevTokenLifetime);

        var agent = Token("user-001", PresenceRoles.Agent);
        var supervisor = Token("user-67890", PresenceRoles.Supervisor);
        var admin = Token("admin", PresenceRoles.Admin, PresenceRoles.System);
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:8080";
        var ws = address.Replace("http://", "ws://").Replace("https://", "wss://");

        Console.WriteLine($$"""

            Development tokens for {{DemoTenant.OrgId}} (random key made for this run; valid for {{options.DevTokenLifetime}}):
              agent user-001:          {{agent}}
              supervisor user-67890:   {{supervisor}}
              admin + system:          {{admin}}

            Wallboard of the Sales Team (supervisor; open in a browser):
              {{address}}/wallboard/{{DemoTenant.OrgId}}/{{DemoTenant.GroupId}}?token={{supervisor}}

            Watch the Sales Team (supervisor):
              {{ws}}/organisation/{{DemoTenant.OrgId}}/user-group/{{DemoTenant.GroupId}}?access_token={{supervisor}}

            Change presence (admin):
              curl -X PUT {{address}}/organisation/{{DemoTenant.OrgId}}/user/user-001/presence -H "Authorization: Bearer {{admin}}" -H "Content-Type: application/json" -d '{"status":"dnd"}'

            """);
    }
}
