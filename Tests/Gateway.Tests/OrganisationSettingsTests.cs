using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>PUT /organisation/{orgId} merges settings: what is left out keeps its value.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OrganisationSettingsTests(GatewayHost host)
{
    [Fact]
    public async Task ConnectionLimitAlone_KeepsSessionsOn_AndSessionsAlone_KeepTheLimit()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);
        var org = $"/organisation/{tenant.OrgId}";
        await tenant.PutAsync(org, new { name = "Org", settings = new { sessions = new { enabled = true, leaseSeconds = 90 } } });

        var limited = await tenant.PutAsync(org, new { name = "Org", settings = new { maxConnections = 500 } });
        var sessionsChanged = await tenant.PutAsync(org, new { name = "Org", settings = new { sessions = new { enabled = true, graceSeconds = 10 } } });
        var renamed = await tenant.PutAsync(org, new { name = "Org 2" });

        Assert.True((bool)limited["settings"]!["sessions"]!["enabled"]!);
        Assert.Equal(90, (int)limited["settings"]!["sessions"]!["leaseSeconds"]!);
        Assert.Equal(500, (int)sessionsChanged["settings"]!["maxConnections"]!);
        // The sessions object is one setting: replaced whole, its omitted fields at their defaults.
        Assert.Equal(60, (int)sessionsChanged["settings"]!["sessions"]!["leaseSeconds"]!);
        Assert.Equal(10, (int)sessionsChanged["settings"]!["sessions"]!["graceSeconds"]!);
        Assert.Equal(sessionsChanged["settings"]!.ToJsonString(), renamed["settings"]!.ToJsonString());
    }
}
