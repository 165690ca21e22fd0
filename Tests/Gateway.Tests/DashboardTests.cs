using System.Net;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>A gateway with the Orleans Dashboard switched on, for the platform's operators.</summary>
public sealed class DashboardGatewayHost : GatewayHost
{
    public const string OperatorOrg = "platform-ops";

    protected override IEnumerable<string> ExtraSettings => ["--Dashboard:Enabled=true", $"--Dashboard:AdminOrganisation={OperatorOrg}"];
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardGatewayHost>
{
    public const string Name = "dashboard";
}

/// <summary>The dashboard shows every tenant's grains, so only the operator organisation's admins may open it.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardGatewayHost host)
{
    [Fact]
    public async Task Dashboard_OpensForOperatorAdminsOnly()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.GetAsync("/dashboard")).StatusCode);

        using var tenantAdmin = host.HttpFor("org-some-tenant", PresenceRoles.Admin, PresenceRoles.System);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantAdmin.GetAsync("/dashboard")).StatusCode);

        using var operatorAgent = host.HttpFor(DashboardGatewayHost.OperatorOrg, PresenceRoles.Supervisor);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorAgent.GetAsync("/dashboard")).StatusCode);

        using var operatorAdmin = host.HttpFor(DashboardGatewayHost.OperatorOrg, PresenceRoles.Admin);
        var page = await operatorAdmin.GetAsync("/dashboard/"); // "/dashboard" redirects, and a redirect drops the Authorization header
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode} {page.Headers} {await page.Content.ReadAsStringAsync()}");
    }
}
