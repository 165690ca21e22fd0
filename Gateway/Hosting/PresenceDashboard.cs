using Microsoft.AspNetCore.Authorization;
using Orleans.Dashboard;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// The Orleans Dashboard at /dashboard, for admins only: its endpoints require the <see cref="AdminPolicy"/> authorization
/// policy (an authenticated user with role "admin"). Off by default (Dashboard:Enabled): the policy needs the gateway's
/// JWT bearer authentication scheme (issue 3) to challenge anonymous callers; silos must enable it too (they collect the data).
/// </summary>
public static class PresenceDashboard
{
    public const string AdminPolicy = "presence-admin";
    public const string Path = "/dashboard";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", false);

    public static IServiceCollection AddPresenceAdminPolicy(this IServiceCollection services) =>
        services.AddAuthorization(o => o.AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole("admin")));

    public static WebApplication MapPresenceDashboard(this WebApplication app)
    {
        if (IsEnabled(app.Configuration)) app.MapOrleansDashboard(Path).RequireAuthorization(AdminPolicy);
        return app;
    }
}
