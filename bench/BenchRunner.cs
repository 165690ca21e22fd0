using FreedomCti.Bench.Report;
using FreedomCti.Bench.Scenarios;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench;

/// <summary>Runs the chosen scenarios one system at a time (never two servers at once), then writes the report.</summary>
public static class BenchRunner
{
    public static async Task<int> RunAsync(BenchOptions options, Action<string> say)
    {
        var results = await MeasureAsync(options, say);
        var markdown = MarkdownReport.Render(options, results);
        say(markdown);
        if (options.ReportPath is { } path) await File.AppendAllTextAsync(path, markdown);
        return results.Problems.Count == 0 ? 0 : 1;
    }

    public static async Task<BenchResults> MeasureAsync(BenchOptions options, Action<string> say)
    {
        var env = new BenchEnvironment(options.LogDirectory) { GatewayEnvironment = new Dictionary<string, string>(options.GatewayEnvironment), GatewayDllOverride = options.GatewayDll };
        var results = new BenchResults();
        say($"bench: logs in {env.LogDirectory}");
        var systems = options.Systems.Where(s => s != "nchan" || NchanSystem.IsInstalled).ToList();
        if (systems.Count != options.Systems.Count) results.Problems.Add("nchan is not installed (bench/install-peers.sh); its columns are missing");

        if (options.Scenarios.Contains("fanout"))
        {
            foreach (var size in options.Sizes)
            {
                say($"fan-out: {size} subscribers");
                var settings = new FanOutSettings(size, options.Repeats, options.ClosedLoopWrites, options.FixedRate, options.FixedRateWrites, HoldSeconds: options.HoldSeconds);
                foreach (var name in systems)
                {
                    await Guard(results, say, $"fan-out {size} {name}", async () =>
                    {
                        var (phases, memory) = await new FanOutScenario(env, say).RunAsync(Create(env, options, name), settings);
                        results.FanOut.AddRange(phases);
                        results.Memory.Add(memory);
                    });
                }
            }
        }
        if (options.Scenarios.Contains("writes"))
        {
            await Guard(results, say, "writes", async () => results.Writes.AddRange(await new WritesScenario(env, say).RunAsync(options)));
        }
        if (options.Scenarios.Contains("writes-fanout"))
        {
            // The grid against the Redis peer (skipped, and said, when redis-server is missing).
            string[] pair = RedisPeerSystem.IsInstalled ? ["gateway", "redis-peer"] : ["gateway"];
            // A measurement without its peer has no ratio: a problem. The CI smoke checks the grid's counting only, so there it is a note.
            if (!RedisPeerSystem.IsInstalled && !options.Smoke) results.Problems.Add("redis-server is not installed (bench/install-peers.sh); the Redis peer is missing");
            else if (!RedisPeerSystem.IsInstalled) say("redis-server is not installed: the smoke counts the grid's writes with fan-out without the Redis peer");
            await Guard(results, say, "writes with fan-out", async () =>
                results.WritesFanOut.AddRange(await new WritesFanOutScenario(env, say).RunAsync(options, pair)));
        }
        if (options.Scenarios.Contains("groupsize"))
        {
            await Guard(results, say, "group size", async () => results.GroupSize.AddRange(await new GroupSizeScenario(env, say).RunAsync(options)));
        }
        if (options.Scenarios.Contains("storm"))
        {
            await Guard(results, say, "login storm", async () => results.Storm = await new LoginStormScenario(env, say).RunAsync(options));
        }
        if (options.Scenarios.Contains("stalled"))
        {
            await Guard(results, say, "stalled", async () => results.Stalled = await new StalledScenario(env, say).RunAsync(options));
        }
        if (options.Scenarios.Contains("cluster"))
        {
            await Guard(results, say, "cluster", async () =>
            {
                // 50,000 x 5/s is 250k deliveries/s, more than two cores move: the fixed-rate phase runs at 1/s here.
                var settings = new FanOutSettings(options.ClusterSubscribers, 1, options.ClosedLoopWrites, 1, 10);
                var (phases, memory) = await new FanOutScenario(env, say).RunAsync(GatewaySystem.Split(env, gateways: 3, silos: 2), settings);
                results.Cluster.AddRange(phases);
                results.Memory.Add(memory);
            });
        }
        if (options.Scenarios.Contains("idle-memory"))
        {
            await Guard(results, say, "idle memory", async () =>
                results.IdleMemory.AddRange(await new IdleMemoryScenario(say).RunAsync(options, systems, name => Create(env, options, name))));
        }
        if (options.Scenarios.Contains("sub-memory"))
        {
            await Guard(results, say, "subscription memory", async () =>
                results.SubscriptionMemory.AddRange(await new SubscriptionMemoryScenario(env, say).RunAsync(options, systems.Where(s => s.StartsWith("gateway", StringComparison.Ordinal) && s != "gateway-split"), name => (GatewaySystem)Create(env, options, name))));
        }
        if (options.Scenarios.Contains("multiplex"))
        {
            await Guard(results, say, "multiplex", async () => results.Multiplex.AddRange(await new MultiplexScenario(env, say).RunAsync(options)));
        }
        if (options.Scenarios.Contains("sessions"))
        {
            await Guard(results, say, "sessions", async () => results.Sessions.AddRange(await new SessionsScenario(env, say).RunAsync(options)));
        }
        results.SampleLoad();
        results.Problems.AddRange(CountProblems(results));
        return results;
    }

    private static ISystemUnderTest Create(BenchEnvironment env, BenchOptions options, string name) => name switch
    {
        _ when name.StartsWith("gateway:", StringComparison.Ordinal) => options.GatewayVariants.TryGetValue(name["gateway:".Length..], out var variant)
            ? GatewaySystem.Variant(env, name["gateway:".Length..], variant)
            : throw new ArgumentException($"'{name}' is not among --gateway-variants"),
        "gateway" => GatewaySystem.Embedded(env),
        "gateway-split" => GatewaySystem.Split(env),
        "kestrel-peer" => new KestrelPeerSystem(env),
        "nchan" => new NchanSystem(env),
        _ => throw new ArgumentException($"unknown system '{name}'"),
    };

    private static async Task Guard(BenchResults results, Action<string> say, string what, Func<Task> run)
    {
        results.SampleLoad();
        try
        {
            await run();
        }
        catch (Exception ex)
        {
            say($"!! {what} failed: {ex}");
            results.Problems.Add($"{what} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Correctness, not speed: every expected frame arrived once, in order, saying what was written.</summary>
    private static IEnumerable<string> CountProblems(BenchResults results)
    {
        foreach (var p in results.FanOut.Concat(results.Cluster).Concat(results.GroupSize))
        {
            if (p.WritesFailed > 0) yield return $"{p.System} {p.Phase}: {p.WritesFailed} writes failed";
            var outOfOrder = KestrelPeerSystem.KeepsOrder(p.System) ? p.OutOfOrder : 0; // the bare peer's reordering is reported, not an error
            if (p.Lost > 0 || p.Duplicated > 0 || outOfOrder > 0 || p.WrongStatus > 0)
            {
                yield return $"{p.System} {p.Phase}: lost {p.Lost}, duplicated {p.Duplicated}, out of order {p.OutOfOrder}, wrong status {p.WrongStatus}";
            }
        }
        foreach (var w in results.WritesFanOut)
        {
            if (w.Failed > 0) yield return $"writes-fanout {w.System}: {w.Failed} writes failed";
            if (w.Delivered != w.ExpectedDeliveries) yield return $"writes-fanout {w.System}: delivered {w.Delivered} of {w.ExpectedDeliveries}";
            if (w.StaleMembers > 0) yield return $"writes-fanout {w.System}: {w.StaleMembers} group members not at their last acknowledged status";
        }
        foreach (var x in results.Multiplex)
        {
            if (x.WritesFailed > 0) yield return $"multiplex {x.Variant}: {x.WritesFailed} writes failed";
            if (x.Delivered != x.Expected || x.Unexpected > 0 || x.OutOfOrder > 0 || x.WrongStatus > 0)
            {
                yield return $"multiplex {x.Variant}: delivered {x.Delivered} of {x.Expected}, unexpected {x.Unexpected}, out of order {x.OutOfOrder}, wrong status {x.WrongStatus}";
            }
            if (x.SocketsClosed > 0) yield return $"multiplex {x.Variant}: {x.SocketsClosed} sockets were closed by the gateway";
        }
        foreach (var x in results.Sessions)
        {
            if (x.SocketsFailed + x.SocketsClosed + x.HeartbeatsExpired + x.SessionsLost > 0 || x.FramesDuringWindow > 0)
            {
                yield return $"sessions (repeat {x.Repeat}): {x.SocketsFailed} sockets failed, {x.SocketsClosed} closed, {x.HeartbeatsExpired} heartbeats answered 404, " +
                    $"{x.SessionsLost} users without their session at the end, {x.FramesDuringWindow} frames to agents during the window";
            }
        }
        foreach (var x in results.SubscriptionMemory.Where(x => x.SocketsFailed > 0 || x.SocketsClosed > 0))
        {
            yield return $"subscription memory {x.System} {x.TopicsPerSocket}: {x.SocketsFailed} sockets failed, {x.SocketsClosed} closed";
        }
        foreach (var m in results.Memory.Concat(results.IdleMemory).Where(m => m.Failed > 0)) yield return $"{m.System}: {m.Failed} subscribers failed to connect";
        if (results.Storm is { } s && s.Converged < s.Supervisors) yield return $"login storm: only {s.Converged}/{s.Supervisors} supervisors converged";
        if (results.Stalled is { } st && st.HealthyClosed > 0) yield return $"stalled: {st.HealthyClosed} healthy sockets were closed";
    }
}

/// <summary>Everything one bench run measured.</summary>
public sealed class BenchResults
{
    public List<PhaseResult> FanOut { get; } = [];
    public List<MemoryResult> Memory { get; } = [];
    public List<WritesResult> Writes { get; } = [];
    public List<WritesFanOutResult> WritesFanOut { get; } = [];
    public List<PhaseResult> GroupSize { get; } = [];
    public List<PhaseResult> Cluster { get; } = [];
    public StormResult? Storm { get; set; }
    public StalledResult? Stalled { get; set; }
    public List<MultiplexResult> Multiplex { get; } = [];
    public List<SessionsResult> Sessions { get; } = [];
    public List<MemoryResult> IdleMemory { get; } = [];
    public List<SubscriptionMemoryResult> SubscriptionMemory { get; } = [];
    public List<string> Problems { get; } = [];
    /// <summary>The machine's 1-minute load average before each scenario and at the end (the noise the figures carry).</summary>
    public List<double> LoadAverages { get; } = [];

    public void SampleLoad()
    {
        var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : "";
        if (double.TryParse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var load)) LoadAverages.Add(load);
    }
}
