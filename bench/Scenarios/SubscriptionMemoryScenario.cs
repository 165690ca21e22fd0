using System.Text.Json;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>One gateway, M organisation sockets each watching <see cref="TopicsPerSocket"/> topics, idle.</summary>
public sealed record SubscriptionMemoryResult
{
    public required string System { get; init; }
    public int TopicsPerSocket { get; init; }
    public int Sockets { get; init; }
    public int SocketsFailed { get; init; }
    public int SocketsClosed { get; init; }
    public long RssBaselineBytes { get; init; }
    /// <summary>After every snapshot arrived and the gateway was quiet for <see cref="IdleMemoryScenario.Settle"/>.</summary>
    public long RssConnectedBytes { get; init; }
    /// <summary>After a further <see cref="IdleMemoryScenario.IdleWindow"/>.</summary>
    public long RssSettledBytes { get; init; }
    public int Repeat { get; init; }
    public double LoadAverage { get; init; }
}

/// <summary>
/// What one more subscription costs on a multiplexed socket (issue 12 §2: ≤ 1 KiB): M organisation sockets each
/// watching 1 topic, then (on a fresh gateway) the same M sockets each watching K topics (K up to the per-socket cap,
/// <c>Limits:MaxTopicsPerSocket</c>). The tenant has K groups of one member; in both variants all K topics are watched
/// (socket i's one topic is group i mod K), so the difference is subscriptions, not topics:
/// per subscription = ΔRSS / (M·(K−1)). Sockets are supervisors (any group, no membership check), each with its own token.
/// </summary>
public sealed class SubscriptionMemoryScenario(BenchEnvironment env, Action<string> say)
{
    public async Task<List<SubscriptionMemoryResult>> RunAsync(BenchOptions options, IEnumerable<string> systems, Func<string, GatewaySystem> create)
    {
        if (options.SubTopics < 2) throw new ArgumentException("--sub-topics must be at least 2");
        var results = new List<SubscriptionMemoryResult>();
        foreach (var name in systems)
        {
            for (var r = 0; r < options.Repeats; r++)
            {
                // Alternate which goes first, as the multiplex scenario does.
                int[] order = r % 2 == 0 ? [1, options.SubTopics] : [options.SubTopics, 1];
                foreach (var k in order) results.Add(await MeasureAsync(create(name), options, k, hold: r == 0 && k > 1) with { Repeat = r + 1 });
            }
        }
        return results;
    }

    /// <summary>
    /// Per subscription beyond the first, in bytes, from the medians of the two variants of one system; <paramref name="rss"/>
    /// is read net of each process's own RSS before connecting (fresh processes differ by a few MiB before any socket).
    /// </summary>
    public static double BytesPerSubscription(IReadOnlyList<SubscriptionMemoryResult> one, IReadOnlyList<SubscriptionMemoryResult> many,
        Func<SubscriptionMemoryResult, long> rss)
    {
        if (one.Count == 0 || many.Count == 0) return double.NaN;
        var extra = (double)many[0].Sockets * (many[0].TopicsPerSocket - 1);
        return (Median(many.Select(x => rss(x) - x.RssBaselineBytes)) - Median(one.Select(x => rss(x) - x.RssBaselineBytes))) / extra;
    }

    private static double Median(IEnumerable<long> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2.0;
    }

    /// <param name="hold">Hold the sockets for <c>--hold</c> seconds after measuring (to take a gcdump of the gateway); once per system.</param>
    private async Task<SubscriptionMemoryResult> MeasureAsync(GatewaySystem gateway, BenchOptions options, int topicsPerSocket, bool hold)
    {
        await using var _ = gateway;
        int sockets = options.SubSockets, topics = options.SubTopics;
        await gateway.StartAsync();
        await gateway.ProvisionAsync(new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], topics,
            [.. Enumerable.Range(0, topics).Select(g => ($"sm{g}", new[] { g }))]));
        var pid = gateway.SocketPids[0];
        await Task.Delay(2000);
        var rssBaseline = ProcStats.RssBytes(pid);

        var org = gateway.OrgId;
        var url = gateway.OrganisationSocketUrl();
        string Subscribe(int g) => JsonSerializer.Serialize(new { action = "subscribe", orgId = org, groupId = $"sm{g}" });
        var planned = Enumerable.Range(0, sockets).Select(i =>
        {
            string[] messages = topicsPerSocket == 1 ? [Subscribe(i % topics)] : [.. Enumerable.Range(0, topicsPerSocket).Select(Subscribe)];
            return new PlannedSocket(url, org, $"sup{i}", ["supervisor"], messages, messages.Length);
        }).ToList();
        await using var fleet = await PeopleFleet.StartAsync(planned, env, extraFrames: sockets * topicsPerSocket);
        await fleet.WaitForQuietAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));
        await Task.Delay(options.Smoke ? TimeSpan.FromSeconds(1) : IdleMemoryScenario.Settle);
        var rssConnected = ProcStats.RssBytes(pid);
        await Task.Delay(options.Smoke ? TimeSpan.FromSeconds(1) : IdleMemoryScenario.IdleWindow);
        var result = new SubscriptionMemoryResult
        {
            System = gateway.Name,
            TopicsPerSocket = topicsPerSocket,
            Sockets = fleet.Connected,
            SocketsFailed = fleet.Failed,
            SocketsClosed = await fleet.ClosedAsync(),
            RssBaselineBytes = rssBaseline,
            RssConnectedBytes = rssConnected,
            RssSettledBytes = ProcStats.RssBytes(pid),
            LoadAverage = LoadAverage.Now(),
        };
        say($"  subscription memory {gateway.Name}: {result.Sockets} sockets x {topicsPerSocket} topics ({result.SocketsFailed} failed, {result.SocketsClosed} closed), " +
            $"RSS {rssBaseline / 1048576} -> {rssConnected / 1048576} MiB ({result.RssSettledBytes / 1048576} settled), load average {result.LoadAverage:F1}");
        if (hold && options.HoldSeconds > 0)
        {
            say($"  holding {options.HoldSeconds}s; gateway pid {pid}");
            await Task.Delay(TimeSpan.FromSeconds(options.HoldSeconds));
        }
        return result;
    }
}
