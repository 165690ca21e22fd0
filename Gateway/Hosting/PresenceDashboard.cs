using Microsoft.AspNetCore.Authorization;
using Orleans.Dashboard;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// The Orleans Dashboard at /dashboard, for the platform's admins only: its endpoints require the <see cref="AdminPolicy"/>
/// authorization policy, role "admin" in the organisation named by Dashboard:AdminOrganisation. A tenant's admin is not
/// enough: the dashboard shows every tenant's grains. Off by default (Dashboard:Enabled); silos must enable it too (they
/// collect the data).
/// </summary>
public static class PresenceDashboard
{
    public const string AdminPolicy = "presence-admin";
    public const string Path = "/dashboard";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", false);

    public static IServiceCollection AddPresenceAdminPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        // Without a configured operator organisation nobody qualifies: the dashboard stays closed rather than open to tenants.
        var operators = configuration.GetValue<string>("Dashboard:AdminOrganisation") ?? "";
        return services.AddAuthorization(o => o.AddPolicy(AdminPolicy, p => p
            .RequireAuthenticatedUser()
            .RequireRole(Security.PresenceRoles.Admin)
            .RequireAssertion(c => operators.Length > 0 && c.User.HasClaim(Security.PresenceClaims.Organisation, operators))));
    }

    public static WebApplication MapPresenceDashboard(this WebApplication app)
    {
        if (IsEnabled(app.Configuration)) app.MapOrleansDashboard(Path).RequireAuthorization(AdminPolicy);
        return app;
    }
}
