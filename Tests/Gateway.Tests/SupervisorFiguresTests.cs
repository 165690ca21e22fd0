using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// The figures supervisors manage by (issue 13), end to end over a real socket: written through REST (presence, queue
/// departures with outcomes, the organisation's time zone and window, the group's threshold), read from the frames and
/// from the REST snapshot, which must agree.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SupervisorFiguresTests(GatewayHost host)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static string Calls(TestTenant t) => $"{t.GroupPath("g1")}/queue/calls";

    private static async Task<JsonObject> DequeueAsync(TestTenant t, string callId, string query)
    {
        var response = await t.Http.DeleteAsync($"{Calls(t)}/{callId}?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task Figures_AfterRestWrites_AreOnTheSnapshotFrame_AndEqualTheRestDocument()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 4);
        await tenant.PutAsync($"/organisation/{tenant.OrgId}", new { name = "Test Org", settings = new { timeZone = "America/New_York", queueWindowMinutes = 30 } });
        await tenant.PutAsync($"{tenant.GroupPath("g1")}/queue/settings", new { serviceLevelThresholdSeconds = 10 });
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await tenant.SetPresenceAsync("u1", "available", "ready for calls");   // the message is not a reason while available
        await tenant.SetPresenceAsync("u2", "away", "Lunch");
        await tenant.SetPresenceAsync("u3", "available");
        foreach (var call in new[] { "c1", "c2", "c3", "c4" }) await tenant.PostAsync(Calls(tenant), new { callId = call });
        var answered = await DequeueAsync(tenant, "c1", "reason=answered&answeredBy=u1");
        await DequeueAsync(tenant, "c2", "reason=abandoned");
        await DequeueAsync(tenant, "c3", "reason=answered");
        await DequeueAsync(tenant, "c4", "");                                    // unspecified: not an outcome

        Assert.Equal("u1", (string?)answered["departure"]!["answeredBy"]);
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var data = (await socket.ReceiveUntilAsync(f => (string?)f["type"] == "group_presence_update"))["data"]!;

        var members = data["members"]!.AsArray().ToDictionary(m => (string)m!["userId"]!, m => m!);
        Assert.Equal("Lunch", (string?)members["u2"]["statusMessage"]);
        Assert.Null((string?)members["u1"]["statusMessage"]);
        Assert.All(members.Values, m => Assert.InRange(DateTimeOffset.Parse((string)m["statusSince"]!), before.AddMinutes(-1), DateTimeOffset.UtcNow));
        var summary = data["summary"]!;
        Assert.Equal(3, (int)summary["loggedIn"]!);                               // u4 is offline without a session
        Assert.Equal(2, (int)summary["available"]!);
        Assert.Equal("u1", (string?)summary["longestIdle"]!["userId"]);          // available before u3
        Assert.Equal((string?)members["u1"]["statusSince"], (string?)summary["longestIdle"]!["since"]);
        var queue = data["queueMetrics"]!;
        Assert.Equal(10, (int)queue["serviceLevelThresholdSeconds"]!);
        Assert.Equal("""{"minutes":30,"answered":2,"abandoned":1,"abandonRate":33.3,"serviceLevel":66.7}""", queue["window"]!.ToJsonString());
        var today = queue["today"]!;
        Assert.Equal((2, 1, 33.3, 66.7), ((int)today["answered"]!, (int)today["abandoned"]!, (double)today["abandonRate"]!, (double)today["serviceLevel"]!));
        Assert.Equal(NewYorkMidnight(DateTimeOffset.UtcNow), DateTimeOffset.Parse((string)today["since"]!));

        // The REST snapshot is the same document (no call waits, so nothing in it depends on the moment it was taken).
        var rest = await tenant.GetAsync(tenant.GroupPath("g1"));
        Assert.True(JsonNode.DeepEquals(data, rest["data"]), $"{data.ToJsonString()}\n!=\n{rest["data"]!.ToJsonString()}");
    }

    [Fact]
    public async Task MemberChange_CarriesStatusSinceReasonAndTheSummaryFigures()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await tenant.SetPresenceAsync("u1", "available");
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        await socket.ReceiveUntilAsync(f => (string?)f["type"] == "group_presence_update");

        await tenant.SetPresenceAsync("u1", "dnd", "Coaching");
        var change = (await socket.ReceiveUntilAsync(f => (string?)f["type"] == "member_presence_update" && (string?)f["data"]!["status"] == "dnd"))["data"]!;

        Assert.Equal("Coaching", (string?)change["statusMessage"]);
        Assert.NotNull((string?)change["statusSince"]);
        Assert.Equal(1, (int)change["updatedSummary"]!["loggedIn"]!);
        Assert.Null(change["updatedSummary"]!["longestIdle"]);                   // nobody is available now
        var rest = await tenant.GetAsync(tenant.GroupPath("g1"));
        var member = rest["data"]!["members"]!.AsArray().Single(m => (string)m!["userId"]! == "u1")!;
        Assert.Equal((string?)change["statusSince"], (string?)member["statusSince"]);
        Assert.True(JsonNode.DeepEquals(change["updatedSummary"], rest["data"]!["summary"]));
    }

    [Fact]
    public async Task QueueFigures_ChangeOnTheLiveFrame_AfterADequeue()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        await tenant.PostAsync(Calls(tenant), new { callId = "c1" });
        await using var socket = await host.ConnectAsync(tenant.GroupPath("g1"));
        await socket.SubscribeGroupAsync(tenant.OrgId, "g1");
        var first = (await socket.ReceiveUntilAsync(f => (string?)f["type"] == "group_presence_update"))["data"]!["queueMetrics"]!;
        Assert.Equal("""{"minutes":15,"answered":0,"abandoned":0,"abandonRate":null,"serviceLevel":null}""", first["window"]!.ToJsonString());
        Assert.Equal(20, (int)first["serviceLevelThresholdSeconds"]!);

        await DequeueAsync(tenant, "c1", "reason=abandoned");
        var queue = (await socket.ReceiveUntilAsync(f => (string?)f["type"] == "group_presence_update"
            && (int?)f["data"]!["queueMetrics"]!["window"]!["abandoned"] == 1, Bound))["data"]!["queueMetrics"]!;

        Assert.Equal(100.0, (double)queue["window"]!["abandonRate"]!);
        Assert.Equal(0.0, (double)queue["window"]!["serviceLevel"]!);
        Assert.Equal(1, (int)queue["today"]!["abandoned"]!);
    }

    [Fact]
    public async Task Writes_RefuseWhatTheFiguresCannotUse()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        await tenant.PostAsync(Calls(tenant), new { callId = "c1" });

        var byWhenAbandoned = await tenant.Http.DeleteAsync($"{Calls(tenant)}/c1?reason=abandoned&answeredBy=u1");
        var badZone = await tenant.Http.PutAsJsonAsync($"/organisation/{tenant.OrgId}", new { name = "Test Org", settings = new { timeZone = "Eastern Standard Time" } });
        var badWindow = await tenant.Http.PutAsJsonAsync($"/organisation/{tenant.OrgId}", new { name = "Test Org", settings = new { queueWindowMinutes = 500 } });
        var badThreshold = await tenant.Http.PutAsJsonAsync($"{tenant.GroupPath("g1")}/queue/settings", new { serviceLevelThresholdSeconds = 0 });
        var org = await tenant.GetAsync($"/organisation/{tenant.OrgId}");

        Assert.Equal(HttpStatusCode.BadRequest, byWhenAbandoned.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badWindow.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badThreshold.StatusCode);
        Assert.Equal(("UTC", 15), ((string)org["settings"]!["timeZone"]!, (int)org["settings"]!["queueWindowMinutes"]!));
    }

    private static DateTimeOffset NewYorkMidnight(DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = TimeZoneInfo.ConvertTime(now, zone);
        return new DateTimeOffset(local.Date, zone.GetUtcOffset(local.Date));
    }
}
