using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>
/// A write's outcome is never ambiguous, with real processes: writes in flight while a silo is killed (kill -9)
/// answer within the write deadline, not the grid's 10 s response timeout: retried by the gateway under their
/// Idempotency-Key once the silo is declared dead, or 503 + Retry-After, where the caller's retry with the same key tells
/// a write that was applied from one that was not; each applied exactly once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WriteOutcomeTests(Azurite storage, ITestOutputHelper output)
{
    private const int Users = 40;
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(3); // Api:WriteTimeout's default
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private sealed record Attempt(string UserId, int Write, HttpStatusCode Status, bool Replayed, TimeSpan Took, bool RetryAfter, long StartedAt);

    [Fact]
    public async Task WritesInFlightWhileASiloIsKilled_AnswerWithinTheDeadline_AndKeyedRetriesApplyEachExactlyOnce()
    {
        await using var grid = new GridCluster(storage, output);
        // The production response timeout, so a write that waited for it could not pass for one bounded by the deadline.
        grid.ExtraArgs.Add("--Cluster:ResponseTimeout=00:00:10");
        grid.ExtraArgs.Add($"--Api:WriteTimeout={WriteTimeout}"); // the production default (the grid's test setting is longer)
        // 40 writers of one organisation: admit them all at once, so what is measured is the wait on the dying silo, not
        // the tenant's admission queue (Limits:MaxConcurrentWritesPerOrg, 16 by default; TenantIsolationTests covers it).
        grid.ExtraArgs.Add($"--Limits:MaxConcurrentWritesPerOrg={Users}");
        try
        {
            await grid.StartAsync(silos: 2, gateways: 1);
            var orgId = $"org-{Guid.NewGuid():N}";
            var api = grid.Api(orgId);
            var users = Enumerable.Range(1, Users).Select(i => $"u{i}").ToArray();
            await api.CreateTenantAsync(Users, new Dictionary<string, string[]> { ["g1"] = users[..20], ["g2"] = users[20..] });
            var initialSeq = new Dictionary<string, long>();
            foreach (var user in users) initialSeq[user] = (long)(await api.GetUserAsync(user))["seq"]!;

            var attempts = new ConcurrentQueue<Attempt>();
            using var stop = new CancellationTokenSource();
            var writers = users.Select(user => WriteLoopAsync(api, user, attempts, stop.Token)).ToArray();
            await Poll.UntilAsync(() => Task.FromResult(attempts.Count >= 3 * Users), TimeSpan.FromSeconds(60), "every writer to be writing");

            var killedAt = Stopwatch.GetTimestamp();
            await grid.Silos[1].KillAsync();
            await Poll.UntilAsync(() => Task.FromResult(attempts.Count(a => a.StartedAt > killedAt && a.Status == HttpStatusCode.OK) >= 3 * Users),
                TimeSpan.FromSeconds(90), "writes to every user to succeed again after the kill");
            stop.Cancel();
            var written = await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(90));

            var all = attempts.ToArray();
            var afterKill = all.Where(a => a.StartedAt > killedAt - Stopwatch.Frequency * 4).ToArray(); // in flight at the kill, or later
            var unconfirmed = all.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToArray();
            var retried = all.Where(a => a.Status == HttpStatusCode.OK && unconfirmed.Any(u => u.UserId == a.UserId && u.Write == a.Write)).ToArray();
            var longest = all.Max(a => a.Took);
            output.WriteLine($"[silo kill] {all.Length} attempts, {written.Sum()} writes; {unconfirmed.Length} answered 503 " +
                             $"(slowest {unconfirmed.Select(a => a.Took).DefaultIfEmpty().Max().TotalMilliseconds:F0} ms); longest attempt {longest.TotalMilliseconds:F0} ms; " +
                             $"after the kill p50/p99/max {Percentile(afterKill, 0.5):F0}/{Percentile(afterKill, 0.99):F0}/{afterKill.Max(a => a.Took).TotalMilliseconds:F0} ms");
            output.WriteLine($"  503 then retried with the key: {retried.Count(a => a.Replayed)} had been applied (answered Idempotent-Replayed), " +
                             $"{retried.Count(a => !a.Replayed)} had not (applied by the retry)");

            // The kill really caught writes in flight. Since the gateway gives up attempts stuck on a silo declared dead and
            // retries the keyed ones itself (Gateway/Hosting/StuckCalls.cs), they mostly answer 200 rather than 503.
            var inFlightAtKill = all.Count(a => a.StartedAt <= killedAt && a.StartedAt + (long)(a.Took.TotalSeconds * Stopwatch.Frequency) > killedAt);
            output.WriteLine($"  {inFlightAtKill} attempts were in flight at the kill");
            Assert.True(inFlightAtKill > 0, "no write was in flight at the kill");
            Assert.All(unconfirmed, a => Assert.True(a.RetryAfter, $"{a.UserId} write {a.Write}: 503 without Retry-After"));
            // Bounded by the write deadline, not the 10 s response timeout (which main took: 11.1 s). The slack is for this
            // test's own 40 writers and the other processes on a shared 2-core machine: 5.7 s was seen under such load.
            Assert.True(longest < WriteTimeout + TimeSpan.FromSeconds(3), $"an attempt took {longest}");
            Assert.All(all, a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));

            // Exactly once: every user's seq moved by the number of writes acknowledged, and holds the last one.
            for (var i = 0; i < users.Length; i++)
            {
                var user = await api.GetUserAsync(users[i]);
                Assert.Equal(initialSeq[users[i]] + written[i], (long)user["seq"]!);
                Assert.Equal($"w{written[i]}", (string?)user["data"]!["statusMessage"]);
            }
            // And every group holds each member's last status: pushes that the kill lost were repaired.
            await Poll.UntilAsync(async () => await GroupsMatchAsync(api, users), TimeSpan.FromSeconds(30), "the groups to hold every member's last status");
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    /// <summary>One user's writes, one at a time: each with a fresh key, retried with that key until it answers 200.</summary>
    private static async Task<int> WriteLoopAsync(GridApi api, string userId, ConcurrentQueue<Attempt> attempts, CancellationToken stop)
    {
        var written = 0;
        while (!stop.IsCancellationRequested)
        {
            var write = written + 1;
            var key = Guid.NewGuid().ToString();
            var body = new { status = write % 2 == 0 ? "away" : "busy", statusMessage = $"w{write}" };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var attempt = await SendAsync(api, userId, write, key, body);
                attempts.Enqueue(attempt);
                if (attempt.Status == HttpStatusCode.OK) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{userId} write {write} was not confirmed within 60 s");
                await Task.Delay(200); // Retry-After says 2 s; the test retries sooner to measure more
            }
            written = write;
        }
        return written;
    }

    private static async Task<Attempt> SendAsync(GridApi api, string userId, int write, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(api.Gateways[0].Http, $"{api.UserPath(userId)}/presence"))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
        request.Headers.Add("Idempotency-Key", key);
        var started = Stopwatch.GetTimestamp();
        using var response = await Http.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        return new Attempt(userId, write, response.StatusCode,
            response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true",
            Stopwatch.GetElapsedTime(started), response.Headers.RetryAfter is not null, started);
    }

    private static async Task<bool> GroupsMatchAsync(GridApi api, string[] users)
    {
        var truth = new Dictionary<string, string>();
        foreach (var user in users) truth[user] = (string)(await api.GetUserAsync(user))["data"]!["status"]!;
        foreach (var groupId in new[] { "g1", "g2" })
        {
            var (status, group) = await api.SendAsync(0, HttpMethod.Get, api.GroupPath(groupId));
            if (status != HttpStatusCode.OK) return false;
            if (group!["data"]!["members"]!.AsArray().Any(m => (string?)m!["status"] != truth[(string)m!["userId"]!])) return false;
        }
        return true;
    }

    private static double Percentile(Attempt[] attempts, double p)
    {
        var sorted = attempts.Select(a => a.Took.TotalMilliseconds).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }
}
