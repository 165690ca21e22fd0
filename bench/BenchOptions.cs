namespace FreedomCti.Bench;

/// <summary>What a bench run measures and how big; --smoke is the CI size (correctness of counts, not speed).</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<string> Scenarios { get; init; } = ["fanout", "writes", "writes-fanout", "groupsize", "storm", "stalled", "cluster", "multiplex", "sessions"];
    public IReadOnlyList<string> Systems { get; init; } = ["gateway", "gateway-split", "kestrel-peer", "nchan"];
    public IReadOnlyList<int> Sizes { get; init; } = [5_000, 19_500];
    public int Repeats { get; init; } = 3;
    public int ClosedLoopWrites { get; init; } = 60;
    public int FixedRateWrites { get; init; } = 50;
    public double FixedRate { get; init; } = 5;
    public int WriteSeconds { get; init; } = 10;
    public int StormUsers { get; init; } = 10_000;
    public int StormGroups { get; init; } = 100;
    public int StormSupervisors { get; init; } = 200;
    public int ClusterSubscribers { get; init; } = 50_000;
    public int StalledHealthy { get; init; } = 2_000;
    /// <summary>Sockets on each of the 32 groups of the writes-fanout scenario.</summary>
    public int WriteSubscribersPerGroup { get; init; } = 4;
    public int Stalled { get; init; } = 100;
    /// <summary>
    /// Multiplex scenario (issue 12 §2): agents (each with a session and 2 groups) and supervisors (10 groups each).
    /// The 10,000 + 500 needs 35,000 sockets per topic, over one process's open-file limit here (20,000): the
    /// default keeps its 20:1 ratio at 4,000 + 200 (14,000 per-topic sockets against 4,200 multiplexed) on one embedded
    /// gateway; the full size runs with <see cref="MuxGateways"/> = 2.
    /// </summary>
    public int MuxAgents { get; init; } = 4_000;
    public int MuxSupervisors { get; init; } = 200;
    /// <summary>
    /// 1: one gateway co-hosting its silo. N &gt; 1: one silo and N client-mode gateways, each person's sockets on
    /// gateway (person mod N), as a load balancer with per-client affinity would place them; RSS is summed over the gateways.
    /// </summary>
    public int MuxGateways { get; init; } = 1;
    /// <summary>Presence changes written (at <see cref="FixedRate"/> per second, over random agents) in each variant's measured phase.</summary>
    public int MuxWrites { get; init; } = 100;
    /// <summary>Sessions scenario (issue 11 §5): agents each holding one session, half in-band on a socket, half over REST.</summary>
    public int SessionCount { get; init; } = 5_000;
    /// <summary>The measured window: whole leases and sweep periods (120 s is two of each with the shipped 60 s), so a
    /// renewal or reminder cadence that started in a burst is counted the same wherever the window falls.</summary>
    public int SessionWindowSeconds { get; init; } = 120;
    /// <summary>The organisation's leaseSeconds (shipped default 60); shorter only to keep the smoke fast.</summary>
    public int SessionLeaseSeconds { get; init; } = 60;
    /// <summary>Cluster:SessionSweepPeriod in seconds (shipped default 60).</summary>
    public int SessionSweepSeconds { get; init; } = 60;
    /// <summary>Measure this gateway build instead of the repo's (--gateway-dll PATH; a before/after against an older commit).</summary>
    public string? GatewayDll { get; init; }
    public string? ReportPath { get; init; }
    /// <summary>Seconds to hold the subscribers idle after connecting (to attach dotnet-gcdump or dotnet-trace).</summary>
    public int HoldSeconds { get; init; }
    /// <summary>Extra environment for the gateway processes (KEY=VALUE,...), for experiments with runtime settings.</summary>
    public IReadOnlyDictionary<string, string> GatewayEnvironment { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// Named gateway runtime settings to compare in one run (<c>--gateway-variants "wks:DOTNET_gcServer=0;cm5:DOTNET_GCConserveMemory=5"</c>):
    /// each adds a system <c>gateway:NAME</c> (the embedded gateway with that environment on top of <see cref="GatewayEnvironment"/>),
    /// to name in <c>--systems</c>. Same-run ratios need the settings side by side, not in separate runs.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> GatewayVariants { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();
    /// <summary>Subscription-memory scenario (issue 12 §2): organisation sockets, each watching 1 topic and then this many.</summary>
    public int SubSockets { get; init; } = 1_000;
    public int SubTopics { get; init; } = 200;
    public string LogDirectory { get; init; } = Path.Combine(Path.GetTempPath(), $"freedomcti-bench-{Environment.ProcessId}");
    public bool Smoke { get; init; }
    public string CommandLine { get; init; } = "";

    public static Dictionary<string, string> ParsePairs(IEnumerable<string> args)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (key is not null) pairs[key] = "true";
                key = arg[2..];
            }
            else if (key is not null)
            {
                pairs[key] = arg;
                key = null;
            }
        }
        if (key is not null) pairs[key] = "true";
        return pairs;
    }

    public static BenchOptions From(IReadOnlyDictionary<string, string> a)
    {
        var smoke = a.ContainsKey("smoke");
        var o = smoke ? SmokeSize : new BenchOptions();
        static List<string> Names(string s) => [.. s.Split(',', StringSplitOptions.RemoveEmptyEntries)];
        return o with
        {
            Smoke = smoke,
            Scenarios = a.TryGetValue("scenarios", out var sc) ? Names(sc) : o.Scenarios,
            Systems = a.TryGetValue("systems", out var sy) ? Names(sy) : o.Systems,
            Sizes = a.TryGetValue("sizes", out var sz) ? [.. Names(sz).Select(int.Parse)] : o.Sizes,
            Repeats = a.TryGetValue("repeats", out var r) ? int.Parse(r) : o.Repeats,
            ClosedLoopWrites = a.TryGetValue("closed-writes", out var cw) ? int.Parse(cw) : o.ClosedLoopWrites,
            WriteSeconds = a.TryGetValue("write-seconds", out var ws) ? Math.Min(300, int.Parse(ws)) : o.WriteSeconds,
            FixedRateWrites = a.TryGetValue("fixed-writes", out var fw) ? int.Parse(fw) : o.FixedRateWrites,
            WriteSubscribersPerGroup = a.TryGetValue("write-subscribers", out var wsub) ? int.Parse(wsub) : o.WriteSubscribersPerGroup,
            ClusterSubscribers = a.TryGetValue("cluster-subscribers", out var cs) ? int.Parse(cs) : o.ClusterSubscribers,
            MuxAgents = a.TryGetValue("mux-agents", out var ma) ? int.Parse(ma) : o.MuxAgents,
            MuxSupervisors = a.TryGetValue("mux-supervisors", out var ms) ? int.Parse(ms) : o.MuxSupervisors,
            MuxWrites = a.TryGetValue("mux-writes", out var mw) ? int.Parse(mw) : o.MuxWrites,
            MuxGateways = a.TryGetValue("mux-gateways", out var mg) ? Math.Max(1, int.Parse(mg)) : o.MuxGateways,
            SessionCount = a.TryGetValue("sessions", out var sn) ? int.Parse(sn) : o.SessionCount,
            SessionWindowSeconds = a.TryGetValue("session-window", out var sw) ? Math.Min(600, int.Parse(sw)) : o.SessionWindowSeconds,
            SessionLeaseSeconds = a.TryGetValue("session-lease", out var sl) ? int.Parse(sl) : o.SessionLeaseSeconds,
            SessionSweepSeconds = a.TryGetValue("session-sweep", out var ssw) ? int.Parse(ssw) : o.SessionSweepSeconds,
            FixedRate = a.TryGetValue("rate", out var rate) ? double.Parse(rate, System.Globalization.CultureInfo.InvariantCulture) : o.FixedRate,
            ReportPath = a.GetValueOrDefault("report"),
            GatewayDll = a.GetValueOrDefault("gateway-dll"),
            HoldSeconds = a.TryGetValue("hold", out var h) ? Math.Min(600, int.Parse(h)) : 0,
            GatewayEnvironment = a.TryGetValue("gateway-env", out var ge)
                ? Names(ge).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1])
                : o.GatewayEnvironment,
            GatewayVariants = a.TryGetValue("gateway-variants", out var gv) ? ParseVariants(gv) : o.GatewayVariants,
            SubSockets = a.TryGetValue("sub-sockets", out var ss) ? int.Parse(ss) : o.SubSockets,
            SubTopics = a.TryGetValue("sub-topics", out var st) ? int.Parse(st) : o.SubTopics,
            LogDirectory = a.GetValueOrDefault("logs") ?? o.LogDirectory,
            CommandLine = string.Join(' ', a.Select(p => p.Value == "true" ? $"--{p.Key}" : $"--{p.Key} {p.Value}")),
        };
    }

    /// <summary>"name:KEY=VALUE,KEY=VALUE;name2:..." (a name with nothing after the colon is the gateway as shipped).</summary>
    public static Dictionary<string, IReadOnlyDictionary<string, string>> ParseVariants(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split(':', 2)).ToDictionary(
            v => v[0],
            v => (IReadOnlyDictionary<string, string>)(v.Length < 2 ? [] : v[1].Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1])));

    /// <summary>The CI size: every scenario's counting path runs, in well under two minutes.</summary>
    public static BenchOptions SmokeSize => new()
    {
        Systems = ["gateway", "kestrel-peer"],
        Scenarios = ["fanout", "writes", "writes-fanout", "storm", "stalled", "multiplex", "sessions"],
        WriteSubscribersPerGroup = 1,
        Sizes = [50],
        Repeats = 1,
        ClosedLoopWrites = 20,
        FixedRateWrites = 10,
        FixedRate = 20,
        WriteSeconds = 2,
        StormUsers = 200,
        StormGroups = 4,
        StormSupervisors = 8,
        StalledHealthy = 20,
        Stalled = 5,
        MuxAgents = 100,
        MuxSupervisors = 5,
        MuxWrites = 20,
        // 100 sessions with a 6 s lease and a 6 s sweep, measured over one of each (the rates scale to the shipped 60 s).
        SessionCount = 100,
        SessionWindowSeconds = 6,
        SessionLeaseSeconds = 6,
        SessionSweepSeconds = 6,
        SubSockets = 20,
        SubTopics = 10,
    };
}
