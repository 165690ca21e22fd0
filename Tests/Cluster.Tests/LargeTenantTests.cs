using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>
/// The largest tenants on real processes and Azurite, in client mode: a 24,000-user, 200-group directory imported as a
/// job (its silo killed midway), its 20,000-member group and an organisation of 5,000 groups read back after another
/// kill -9, and what a member change, a queue event and an activation cost in storage at 10, 1,000 and 20,000 members
/// (printed for docs/performance.md).
/// </summary>
/// <remarks>
/// <c>LARGE_TENANT_FULL=1</c> imports the 50,000-user, 2,000-group directory that docs/performance.md times instead.
/// The suite's size keeps every shape the test is for (the 20,000-member group, the groups of 10 and 1,000, small
/// groups, a kill midway through the users, the 5,000-group catalogue) at about half the storage operations: on
/// Azurite each imported user costs two to three table operations, and this test was the suite's longest
/// (docs/testing.md).
/// </remarks>
[Collection(ClusterCollection.Name)]
public sealed class LargeTenantTests(Azurite storage, ITestOutputHelper output)
{
    private const int BigGroup = 20_000, SmallGroupSize = 14, FirstSmallMember = 21_100;
    private static readonly bool Full = Environment.GetEnvironmentVariable("LARGE_TENANT_FULL") == "1";
    private static readonly int GroupCount = Full ? 2_000 : 200;
    private static readonly int UserCount = Full ? 50_000 : 24_000; // u0…: the three named groups, 90 outside any, then groups of 14
    private static readonly TimeSpan ImportBound = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ReactivationBound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task LargestTenants_ImportedAsJobs_SurviveSiloKills_WithTheLargestGroupAndTheCatalogueIntact()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 1, gateways: 1);
            var silo = grid.Silos[0];
            var api = grid.Api($"org-{Guid.NewGuid():N}");
            await api.OkAsync(HttpMethod.Put, $"/organisation/{api.OrgId}", new { name = "Largest tenant" });

            // 1. The import: 202 at once, progress, a kill -9 of the only silo while users are being created, done.
            var importing = Stopwatch.StartNew();
            var location = await StartImportAsync(api, LargestDirectory());
            var job = await WaitForJobAsync(api, location, j => (int)j["users"]!["done"]! >= 10_000, ImportBound);
            await KillAndRestartAsync(grid, silo);
            job = await WaitForJobAsync(api, location, j => (string?)j["state"] is "succeeded" or "failed", ImportBound);
            output.WriteLine($"[import] {UserCount:N0} users, {GroupCount:N0} groups, {(int)job["memberships"]!:N0} memberships: {job["state"]} in {importing.Elapsed.TotalSeconds:F1} s " +
                $"(job elapsedMs {(long)job["elapsedMs"]!:N0}, resumes {(int)job["resumes"]!}, silo killed once)");
            Assert.Equal("succeeded", (string)job["state"]!);
            Assert.True((int)job["resumes"]! >= 1, "the job continued after the kill");
            Assert.Equal((UserCount, GroupCount), ((int)job["users"]!["done"]!, (int)job["groups"]!["done"]!));

            // 2. What single changes cost in storage at three sizes.
            await MeasureFootprintAsync(api, silo);

            // 3. An organisation of 5,000 groups.
            var catalogueOrg = grid.Api($"org-{Guid.NewGuid():N}");
            await catalogueOrg.OkAsync(HttpMethod.Put, $"/organisation/{catalogueOrg.OrgId}", new { name = "Many groups" });
            var catalogueJob = await WaitForJobAsync(catalogueOrg, await StartImportAsync(catalogueOrg, ManyGroupsDirectory()), j => (string?)j["state"] is "succeeded" or "failed", ImportBound);
            Assert.Equal("succeeded", (string)catalogueJob["state"]!);
            output.WriteLine($"[import] 500 users, 5,000 groups (500 of them with a member): {(long)catalogueJob["elapsedMs"]!:N0} ms");

            // 4. Kill -9 the silo holding everything; both tenants read back from Azure Tables.
            await api.SetPresenceAsync("u7", "busy", "before the kill");
            await api.SetPresenceAsync("u19999", "dnd", "before the kill");
            var before = await api.OkAsync(HttpMethod.Get, api.GroupPath("big"), within: ReactivationBound);
            await KillAndRestartAsync(grid, silo);
            foreach (var small in new[] { "ten", "thousand" })
            {
                var activation = await MeasureAsync(silo, () => api.OkAsync(HttpMethod.Get, api.GroupPath(small), within: ReactivationBound));
                output.WriteLine($"[footprint] {small}: activation group rows: {activation.Describe("group")}; user rows: {activation.Describe("user")}");
            }
            var reactivating = Stopwatch.StartNew();
            var answered = TimeSpan.Zero;
            JsonObject after = new();
            var bigActivation = await MeasureAsync(silo, async () =>
            {
                reactivating.Restart();
                after = await api.OkAsync(HttpMethod.Get, api.GroupPath("big"), within: ReactivationBound);
                answered = reactivating.Elapsed;
            });
            output.WriteLine($"[footprint] big: activation group rows: {bigActivation.Describe("group")}; user rows: {bigActivation.Describe("user")}");
            Assert.Equal(1, bigActivation.Get("operations", "group", "header", "write"));
            Assert.Equal(64, bigActivation.Get("operations", "group", "members", "read"));
            Assert.Equal(Ids(before), Ids(after));
            Assert.True((long)after["seq"]! >> 32 > (long)before["seq"]! >> 32, "a new epoch after reactivation");
            // It answers with its stored views at once and reads the rest of its members in the background.
            await Poll.UntilAsync(async () =>
            {
                after = await api.OkAsync(HttpMethod.Get, api.GroupPath("big"), within: ReactivationBound);
                return JsonNode.DeepEquals(before["data"]!["summary"], after["data"]!["summary"]);
            }, ReactivationBound, () => $"the group's summary {after["data"]?["summary"]} to equal {before["data"]!["summary"]}", intervalMs: 1_000);
            output.WriteLine($"[kill -9] the 20,000-member group answered {answered.TotalSeconds:F1} s after it was first asked (the silo ready again), " +
                $"with every member's current status {reactivating.Elapsed.TotalSeconds:F1} s after it was first asked");
            Assert.Equal(BigGroup, (int)after["data"]!["summary"]!["totalMembers"]!);
            Assert.Equal(1, (int)after["data"]!["summary"]!["busy"]!);
            Assert.Equal(1, (int)after["data"]!["summary"]!["dnd"]!);
            Assert.Equal(Ids(before), Ids(after));

            var groups = await catalogueOrg.OkAsync(HttpMethod.Get, $"/organisation/{catalogueOrg.OrgId}/user-group", within: ReactivationBound);
            Assert.Equal(5_000, groups["groups"]!.AsArray().Count);
            var sample = await catalogueOrg.OkAsync(HttpMethod.Get, catalogueOrg.GroupPath("team-4320"), within: ReactivationBound);
            Assert.Equal(["m432"], sample["data"]!["members"]!.AsArray().Select(m => (string)m!["userId"]!));
            Assert.Equal("Team 4999", (string?)groups["groups"]!.AsArray().Single(g => (string?)g!["groupId"] == "team-4999")!["groupName"]);
            Assert.Equal(GroupCount, (await api.OkAsync(HttpMethod.Get, $"/organisation/{api.OrgId}/user-group"))["groups"]!.AsArray().Count);
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    /// <summary>
    /// Storage operations and bytes for adding and removing a member and for a queue event (enqueue and dequeue): three
    /// of each per group size, measured together; the figures are per change (activations are measured after the kill).
    /// </summary>
    private async Task MeasureFootprintAsync(GridApi api, GridNode silo)
    {
        foreach (var (group, outsider) in new[] { ("ten", 21_000 + 10), ("thousand", 21_000 + 20), ("big", 21_000 + 30) })
        {
            var users = Enumerable.Range(outsider, 3).Select(i => $"u{i}").ToList();
            var changes = await MeasureAsync(silo, async () =>
            {
                foreach (var user in users)
                {
                    await api.OkAsync(HttpMethod.Post, $"{api.GroupPath(group)}/members", new { userIds = new[] { user } });
                    await api.OkAsync(HttpMethod.Delete, $"{api.GroupPath(group)}/members/{user}");
                }
            });
            var queue = await MeasureAsync(silo, async () =>
            {
                for (var i = 0; i < 3; i++)
                {
                    await api.OkAsync(HttpMethod.Post, $"{api.GroupPath(group)}/queue/calls", new { callId = $"call-{group}-{i}" });
                    await api.OkAsync(HttpMethod.Delete, $"{api.GroupPath(group)}/queue/calls/call-{group}-{i}?reason=answered");
                }
            });
            output.WriteLine($"[footprint] {group}: 6 member changes: group rows: {changes.Describe("group")}; user rows: {changes.Describe("user")}");
            output.WriteLine($"[footprint] {group}: 6 queue events: group rows: {queue.Describe("group")}");
            // The pieces stay small at any size: one chunk per member change, the queue row alone per queue event.
            Assert.Equal(6, changes.Get("operations", "group", "members", "write"));
            Assert.Equal(6, changes.Get("operations", "group", operation: "write"));
            Assert.InRange(changes.Get("bytes", "group", operation: "write") / 6, 1, 40_000);
            Assert.Equal(6, queue.Get("operations", "group", "queue", "write"));
            Assert.Equal(6, queue.Get("operations", "group", operation: "write"));
            Assert.InRange(queue.Get("bytes", "group", operation: "write") / 6, 1, 1_000);
        }
    }

    private static async Task<StorageMeter.Reading> MeasureAsync(GridNode silo, Func<Task> call)
    {
        var before = await StorageMeter.ReadAsync(silo);
        await call();
        return (await StorageMeter.ReadAsync(silo)).Minus(before);
    }

    private async Task<string> StartImportAsync(GridApi api, object directory)
    {
        var (status, body) = await api.SendAsync(0, HttpMethod.Put, $"/organisation/{api.OrgId}/directory", directory, prefer: "respond-async");
        Assert.True(status == HttpStatusCode.Accepted, $"PUT directory answered {status}: {body}");
        return $"/organisation/{api.OrgId}/directory/imports/{(string)body!["jobId"]!}";
    }

    /// <summary>Polls the job until <paramref name="done"/>, printing its progress every 10 s; a failed job ends the wait.</summary>
    private async Task<JsonObject> WaitForJobAsync(GridApi api, string location, Func<JsonObject, bool> done, TimeSpan bound)
    {
        JsonObject job = new();
        var printed = Stopwatch.StartNew();
        await Poll.UntilAsync(async () =>
        {
            var (status, body) = await api.SendAsync(0, HttpMethod.Get, location);
            if (status != HttpStatusCode.OK) return false; // 503 while the silo is down
            job = body!;
            if (printed.Elapsed > TimeSpan.FromSeconds(10))
            {
                output.WriteLine($"  [job] {job["state"]}: users {job["users"]!["done"]}/{job["users"]!["total"]}, groups {job["groups"]!["done"]}/{job["groups"]!["total"]}, {(long)job["elapsedMs"]!:N0} ms");
                printed.Restart();
            }
            return done(job) || (string?)job["state"] == "failed";
        }, bound, () => $"the import job: {job.ToJsonString()}", intervalMs: 500);
        return job;
    }

    private async Task KillAndRestartAsync(GridCluster grid, GridNode silo)
    {
        await silo.KillAsync();
        var restarting = Stopwatch.StartNew();
        silo.Start();
        await silo.WaitReadyAsync(GridCluster.StartTimeout);
        await grid.Gateways[0].WaitReadyAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"[kill -9] silo ready again after {restarting.Elapsed.TotalSeconds:F1} s");
    }

    private static List<string> Ids(JsonObject group) =>
        [.. group["data"]!["members"]!.AsArray().Select(m => (string)m!["userId"]!)];

    /// <summary>
    /// u0…u23999 (u49999 when full); "big" = u0…u19999, "thousand" = u20000…u20999, "ten" = u21000…u21009, and 197
    /// (1,997) groups of 14 from u21100 on (u21010…u21099 stay out of groups, for the footprint's member changes).
    /// </summary>
    private static object LargestDirectory()
    {
        var groups = new List<object>
        {
            new { groupId = "big", groupName = "Big", members = Range(0, BigGroup) },
            new { groupId = "thousand", groupName = "Thousand", members = Range(20_000, 1_000) },
            new { groupId = "ten", groupName = "Ten", members = Range(21_000, 10) },
        };
        for (var g = 3; g < GroupCount; g++)
        {
            groups.Add(new { groupId = $"g{g}", groupName = $"Group {g}", members = Range(FirstSmallMember + (g - 3) * SmallGroupSize, SmallGroupSize) });
        }
        return new
        {
            users = Enumerable.Range(0, UserCount).Select(i => new { userId = $"u{i}", displayName = $"User {i}", extension = $"{100_000 + i}" }).ToArray(),
            groups,
        };
    }

    /// <summary>500 users m0…m499 and 5,000 groups team-0…team-4999, every tenth with one member (the catalogue is what is tested; joins cost time).</summary>
    private static object ManyGroupsDirectory() => new
    {
        users = Enumerable.Range(0, 500).Select(i => new { userId = $"m{i}", displayName = $"Member {i}" }).ToArray(),
        groups = Enumerable.Range(0, 5_000).Select(g => new { groupId = $"team-{g}", groupName = $"Team {g}", members = g % 10 == 0 ? new[] { $"m{g / 10}" } : [] }).ToArray(),
    };

    private static string[] Range(int from, int count) => [.. Enumerable.Range(from, count).Select(i => $"u{i}")];
}
