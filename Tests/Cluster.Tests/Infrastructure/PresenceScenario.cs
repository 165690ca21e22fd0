using System.Diagnostics;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// The failover tests' common shape: a fresh tenant (by default 12 users, two overlapping groups), the same user and
/// group subscribers on every gateway, steady REST traffic, and at the end the proof that every subscriber's view
/// equals the truth read back through REST and that the truth holds every acknowledged write.
/// </summary>
public sealed class PresenceScenario : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly ScenarioShape _shape;

    private PresenceScenario(GridApi api, ITestOutputHelper output, ScenarioShape shape)
    {
        Api = api;
        _output = output;
        _shape = shape;
        Traffic = new PresenceTraffic(api, Enumerable.Range(1, shape.Users).Select(i => $"u{i}").ToArray(), shape.Writers, Deliveries, shape.Pace, shape.RoundRobin);
    }

    public GridApi Api { get; }
    public DeliveryLog Deliveries { get; } = new();
    public PresenceTraffic Traffic { get; }
    public List<ViewSubscriber> Subscribers { get; } = [];

    public static async Task<PresenceScenario> StartAsync(GridCluster grid, ITestOutputHelper output, ScenarioShape? shape = null)
    {
        shape ??= ScenarioShape.Default;
        var orgId = $"org-{Guid.NewGuid():N}";
        var scenario = new PresenceScenario(grid.Api(orgId), output, shape);
        await scenario.Api.CreateTenantAsync(shape.Users, shape.Groups);
        for (var gateway = 0; gateway < grid.Gateways.Count; gateway++)
        {
            foreach (var user in shape.WatchedUsers) scenario.Subscribers.Add(new ViewSubscriber(scenario.Api, isUser: true, user, gateway, scenario.Deliveries));
            foreach (var group in shape.Groups.Keys)
            {
                for (var i = 0; i < shape.SocketsPerGroup(group); i++) scenario.Subscribers.Add(new ViewSubscriber(scenario.Api, isUser: false, group, gateway));
            }
        }
        foreach (var subscriber in scenario.Subscribers) subscriber.Start();
        await Poll.UntilAsync(() => scenario.Subscribers.All(s => s.HasSnapshot), TimeSpan.FromSeconds(60), "every subscriber's first snapshot");
        return scenario;
    }

    /// <summary>Runs traffic until <paramref name="acks"/> writes were acknowledged after <paramref name="since"/>.</summary>
    public Task WaitForAcksAsync(int acks, long since, TimeSpan timeout) =>
        Poll.UntilAsync(() =>
        {
            if (Traffic.GaveUp > 0) throw new InvalidOperationException("A writer gave up: a write was not acknowledged within its bound.");
            return Traffic.AckedSince(since) >= acks;
        }, timeout, $"{acks} acknowledged writes", intervalMs: 100);

    /// <summary>Every subscriber received live updates after <paramref name="since"/>: events flow again.</summary>
    public async Task WaitForLiveUpdatesAsync(IReadOnlyDictionary<ViewSubscriber, int> before, TimeSpan timeout) =>
        await Poll.UntilAsync(() => Subscribers.All(s => s.LiveUpdates > before[s]), timeout,
            () => "live updates on every subscriber: " + string.Join(", ", Subscribers.Where(s => s.LiveUpdates <= before[s]).Select(s => $"{s.Topic}@gw{s.Gateway}")), intervalMs: 100);

    public Dictionary<ViewSubscriber, int> LiveUpdateCounts() => Subscribers.ToDictionary(s => s, s => s.LiveUpdates);

    /// <summary>Stops the traffic, checks the truth holds every acknowledged write and waits for every view to equal it; returns how long convergence took.</summary>
    public async Task<TimeSpan> StopAndVerifyAsync()
    {
        await Traffic.StopAsync();
        Assert.Equal(0, Traffic.GaveUp);
        var stopped = Stopwatch.GetTimestamp();

        foreach (var (user, acked) in Traffic.LastAcked)
        {
            var truth = await Api.GetUserAsync(user);
            Assert.Equal($"{acked.Status}|{acked.Message}", TopicView.UserFingerprint(truth["data"]!));
        }

        var mismatches = new List<string>();
        try
        {
            await Poll.UntilAsync(async () =>
        {
            mismatches.Clear();
            var truths = new Dictionary<string, TopicView>();
            foreach (var subscriber in Subscribers)
            {
                if (!truths.TryGetValue(subscriber.Topic, out var truth))
                {
                    truth = subscriber.IsUser
                        ? TopicView.OfUser(await Api.GetUserAsync(subscriber.Id))
                        : TopicView.OfGroup(await Api.GetGroupAsync(subscriber.Id));
                    truths[subscriber.Topic] = truth;
                }
                if (subscriber.View != truth) mismatches.Add($"{subscriber.Topic}@gw{subscriber.Gateway}: has {subscriber.View}, truth {truth}");
            }
            return mismatches.Count == 0;
        }, TimeSpan.FromSeconds(30), "every subscriber's view to equal the truth", intervalMs: 200);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{string.Join("\n", mismatches)}", ex);
        }
        return Stopwatch.GetElapsedTime(stopped);
    }

    /// <summary>Acknowledged writes to watched users after <paramref name="since"/> that a subscriber never saw as a live frame (the snapshot of a resync covered them).</summary>
    public (int Missed, int Expected) LiveFramesMissed(long since, long until = long.MaxValue)
    {
        int missed = 0, expected = 0;
        var acked = Traffic.AckLog.Where(a => a.AckedAt >= since && a.AckedAt < until).ToArray();
        foreach (var subscriber in Subscribers.Where(s => s.IsUser))
        {
            foreach (var write in acked.Where(a => a.User == subscriber.Id))
            {
                expected++;
                if (!subscriber.SawLive(write.Message)) missed++;
            }
        }
        return (missed, expected);
    }

    public void Report(string what) => _output.WriteLine(what);

    public async ValueTask DisposeAsync()
    {
        foreach (var subscriber in Subscribers) await subscriber.DisposeAsync();
    }
}

/// <summary>The tenant, subscribers and traffic of a scenario.</summary>
/// <param name="Users">Users u1..uN.</param>
/// <param name="Groups">Group id → member ids.</param>
/// <param name="WatchedUsers">Users with a subscriber on every gateway.</param>
/// <param name="GroupSockets">Sockets per group per gateway (1 when not listed).</param>
public sealed record ScenarioShape(
    int Users,
    IReadOnlyDictionary<string, string[]> Groups,
    IReadOnlyList<string> WatchedUsers,
    int Writers = 3,
    TimeSpan? Pace = null,
    bool RoundRobin = false,
    IReadOnlyDictionary<string, int>? GroupSockets = null)
{
    public static ScenarioShape Default { get; } = new(
        12,
        new Dictionary<string, string[]>
        {
            ["g1"] = Enumerable.Range(1, 8).Select(i => $"u{i}").ToArray(),
            ["g2"] = Enumerable.Range(5, 8).Select(i => $"u{i}").ToArray(),
        },
        ["u1", "u4", "u7", "u10"]);

    public int SocketsPerGroup(string groupId) => GroupSockets?.GetValueOrDefault(groupId, 1) ?? 1;
}
