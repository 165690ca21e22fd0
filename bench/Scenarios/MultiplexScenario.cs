using System.Diagnostics;
using System.Text.Json;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>One variant of the multiplex scenario, one repeat.</summary>
public sealed record MultiplexResult
{
    public required string Variant { get; init; }
    public int Agents { get; init; }
    public int Supervisors { get; init; }
    public int Sockets { get; init; }
    public int SocketsFailed { get; init; }
    public int SocketsClosed { get; init; }
    /// <summary>Gateway RSS with the tenant provisioned and nobody connected.</summary>
    public long RssBaselineBytes { get; init; }
    /// <summary>Gateway RSS with every person connected, subscribed and every agent's session open, idle.</summary>
    public long RssConnectedBytes { get; init; }
    public double IdleServerCores { get; init; }
    public int Writes { get; init; }
    public int WritesFailed { get; init; }
    public long Expected { get; init; }
    public long Delivered { get; init; }
    public long Lost => Math.Max(0, Expected - Delivered);
    public long Unexpected { get; init; }
    public long OutOfOrder { get; init; }
    public long WrongStatus { get; init; }
    public double P50Ms { get; init; }
    public double P99Ms { get; init; }
    public double MaxMs { get; init; }
    public double ServerCpuMicrosPerDelivery { get; init; }
    public double ServerCpuMicrosPerWrite { get; init; }
    public int Repeat { get; init; }
    /// <summary>The machine's 1-minute load average when the measured writes started (the noise this repeat carries).</summary>
    public double LoadAverage { get; init; }
    public int People => Agents + Supervisors;
    public double RssKiBPerPerson => RssConnectedBytes / 1024.0 / People;
    public double NetRssKiBPerPerson => (RssConnectedBytes - RssBaselineBytes) / 1024.0 / People;
}

/// <summary>
/// Issue 12 §2: one multiplexed socket per person (<c>/organisation/{orgId}</c>) against one socket per topic, for the
/// same people doing the same thing. Agents each hold a presence session on a socket and watch their own user and the 2
/// groups they are in; supervisors watch 10 groups each. Per topic an agent needs 3 sockets (its user socket, which
/// also holds the session, and one per group) and a supervisor 10; multiplexed, one each. Every person has their own
/// token (<c>sub</c> = the person; agents with role agent, supervisors with role supervisor), minted in the subscriber
/// processes from the bench's signing key. Each variant gets a fresh gateway (one process, embedded silo; or one silo and
/// <c>--mux-gateways</c> client-mode gateways) and tenant.
/// Measured: sockets open, gateway RSS (idle, all connected), idle server CPU, and at a fixed rate of presence writes
/// over random agents: server CPU per delivered frame and per write, write-to-frame latency, and every delivery counted.
/// </summary>
public sealed class MultiplexScenario(BenchEnvironment env, Action<string> say)
{
    public const string Multiplexed = "multiplexed";
    public const string PerTopic = "per-topic";
    public const int AgentGroups = 2;
    public const int SupervisorGroups = 10;
    /// <summary>Agents per group pair: groups = agents / 20, so each group has 40 members (every agent is in 2).</summary>
    public const int AgentsPerTeam = 20;

    public async Task<List<MultiplexResult>> RunAsync(BenchOptions options)
    {
        if (options.MuxAgents < 2 * AgentsPerTeam) throw new ArgumentException($"--mux-agents must be at least {2 * AgentsPerTeam}");
        var results = new List<MultiplexResult>();
        for (var r = 0; r < options.Repeats; r++)
        {
            // Alternate which goes first, so neither always runs on the machine the other just warmed or loaded.
            string[] order = r % 2 == 0 ? [Multiplexed, PerTopic] : [PerTopic, Multiplexed];
            foreach (var variant in order) results.Add(await MeasureAsync(variant, options, seed: r) with { Repeat = r + 1 });
        }
        return results;
    }

    /// <summary>Group g's members: the agents of team g and of team g + groups/2 (each agent in two groups).</summary>
    public static int[][] Groups(int agents)
    {
        var groups = agents / AgentsPerTeam;
        var members = Enumerable.Range(0, groups).Select(_ => new List<int>()).ToArray();
        for (var a = 0; a < agents; a++)
        {
            var team = Math.Min(a / AgentsPerTeam, groups - 1);
            members[team].Add(a);
            members[(team + groups / 2) % groups].Add(a);
        }
        return [.. members.Select(m => m.ToArray())];
    }

    /// <summary>The groups supervisor s watches: 10 consecutive ones (fewer when the tenant has fewer), spread so every group has watchers.</summary>
    public static int[] SupervisorWatches(int s, int groups) =>
        [.. Enumerable.Range(0, Math.Min(SupervisorGroups, groups)).Select(k => (s * SupervisorGroups + k) % groups)];

    private async Task<MultiplexResult> MeasureAsync(string variant, BenchOptions options, int seed)
    {
        int agents = options.MuxAgents, supervisors = options.MuxSupervisors;
        var groups = Groups(agents);
        var groupsOf = new List<int>[agents];
        for (var a = 0; a < agents; a++) groupsOf[a] = [];
        for (var g = 0; g < groups.Length; g++) foreach (var a in groups[g]) groupsOf[a].Add(g);

        await using var gateway = options.MuxGateways > 1 ? GatewaySystem.Split(env, gateways: options.MuxGateways) : GatewaySystem.Embedded(env);
        await gateway.StartAsync();
        var tenant = new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], agents,
            [.. groups.Select((m, g) => ($"mx{g}", m))]) { Sessions = true };
        await gateway.ProvisionAsync(tenant);
        var socketPids = gateway.SocketPids;
        await Task.Delay(2000);
        var rssBaseline = socketPids.Sum(ProcStats.RssBytes);

        // Every socket, and which topics it watches: (user topic of agent a) is (-1, a), (group g) is (g, -1).
        var (sockets, watches) = Plan(variant, gateway, groups, groupsOf, supervisors);
        // Who hears a change of agent a: (socket, topic) for its user topic and each of its groups.
        var watchers = new List<(int Socket, int Topic)>[agents];
        for (var a = 0; a < agents; a++) watchers[a] = [];
        for (var id = 0; id < watches.Count; id++)
        {
            foreach (var (group, user) in watches[id])
            {
                if (group < 0) watchers[user].Add((id, -1));
                else foreach (var member in groups[group]) watchers[member].Add((id, group));
            }
        }

        var connectClock = Stopwatch.StartNew();
        await using var fleet = await PeopleFleet.StartAsync(sockets, env, extraFrames: options.MuxWrites * 256);
        say($"  multiplex {variant}: {fleet.Connected:N0} sockets open, {fleet.Failed} failed, in {connectClock.Elapsed.TotalSeconds:F0} s");
        if (fleet.Failed > 0) throw new InvalidOperationException($"multiplex {variant}: {fleet.Failed} of {sockets.Count} sockets failed to connect, subscribe or open their session");

        // Opening the sessions changed every agent's status (offline -> available) and fanned out: wait for quiet.
        await fleet.WaitForQuietAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(90));
        await fleet.DumpAsync(env.LogDirectory); // discard what connecting delivered
        var idleCpu = ProcStats.CpuMicros(gateway.ServerPids);
        var idleClock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 1 : 10));
        var idleCores = (ProcStats.CpuMicros(gateway.ServerPids) - idleCpu) / 1e6 / idleClock.Elapsed.TotalSeconds;
        var rssConnected = socketPids.Sum(ProcStats.RssBytes);

        // Fixed rate over random agents (the same sequence for both variants of a repeat); each write alternates the
        // agent's manual status busy/available, a change every time (the session says available).
        var random = new Random(1_000 + seed);
        var targets = Enumerable.Range(0, options.MuxWrites).Select(_ => random.Next(agents)).ToArray();
        var load = LoadAverage.Now();
        var windowStart = Stopwatch.GetTimestamp();
        var cpu = ProcStats.CpuMicros(gateway.ServerPids);
        var writes = await new WriteDriver(gateway, "", targets).FixedRateAsync(options.FixedRate, options.MuxWrites);
        var expected = writes.Where(w => w.Result.Ok).Sum(w => (long)watchers[w.User].Count);
        await fleet.WaitForTotalAsync(expected, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5));
        cpu = ProcStats.CpuMicros(gateway.ServerPids) - cpu;
        var arrivals = await fleet.DumpAsync(env.LogDirectory);
        var closed = await fleet.ClosedAsync();

        var result = Analyse(variant, writes, arrivals, watchers, windowStart) with
        {
            Agents = agents,
            Supervisors = supervisors,
            Sockets = fleet.Connected,
            SocketsFailed = fleet.Failed,
            SocketsClosed = closed,
            RssBaselineBytes = rssBaseline,
            RssConnectedBytes = rssConnected,
            IdleServerCores = idleCores,
            LoadAverage = load,
        };
        result = result with
        {
            ServerCpuMicrosPerDelivery = result.Delivered == 0 ? double.NaN : cpu / (double)result.Delivered,
            ServerCpuMicrosPerWrite = writes.Count == 0 ? double.NaN : cpu / (double)writes.Count,
        };
        say($"  multiplex {variant}: {result.Sockets:N0} sockets, RSS {rssBaseline / 1048576} -> {rssConnected / 1048576} MiB ({result.RssKiBPerPerson:F1} KiB/person, " +
            $"net {result.NetRssKiBPerPerson:F1}), idle {idleCores:F3} cores; {writes.Count} writes ({result.WritesFailed} failed), delivered {result.Delivered}/{result.Expected} " +
            $"(unexpected {result.Unexpected}, ooo {result.OutOfOrder}, wrong {result.WrongStatus}), p50 {result.P50Ms:F1} p99 {result.P99Ms:F1} max {result.MaxMs:F1} ms, " +
            $"server {result.ServerCpuMicrosPerDelivery:F1} µs/delivery, {result.ServerCpuMicrosPerWrite:F0} µs/write; {closed} closed; load average {load:F1}");
        return result;
    }

    /// <summary>The sockets of every person in the variant, and per socket what it watches ((group, -1) or (-1, user)).</summary>
    /// <remarks>Person p's sockets all go to gateway p mod the gateway count (agents first, then supervisors).</remarks>
    private static (List<PlannedSocket> Sockets, List<List<(int Group, int User)>> Watches) Plan(string variant, GatewaySystem gateway,
        int[][] groups, List<int>[] groupsOf, int supervisors)
    {
        var org = gateway.OrgId;
        var sockets = new List<PlannedSocket>();
        var watches = new List<List<(int, int)>>();
        string Subscribe(int? group, int? user) => group is { } g
            ? JsonSerializer.Serialize(new { action = "subscribe", orgId = org, groupId = $"mx{g}" })
            : JsonSerializer.Serialize(new { action = "subscribe", orgId = org, userId = $"u{user}" });
        string[] agent = ["agent"], supervisor = ["supervisor"];
        for (var a = 0; a < groupsOf.Length; a++)
        {
            var baseUrl = gateway.OrganisationSocketUrl(a);
            var sub = $"u{a}";
            if (variant == Multiplexed)
            {
                var open = JsonSerializer.Serialize(new { action = "session_open", userId = sub, device = "desktop", status = "available" });
                sockets.Add(new(baseUrl, org, sub, agent, [open, Subscribe(null, a), .. groupsOf[a].Select(g => Subscribe(g, null))], 2 + groupsOf[a].Count));
                watches.Add([(-1, a), .. groupsOf[a].Select(g => (g, -1))]);
            }
            else
            {
                var open = JsonSerializer.Serialize(new { action = "session_open", device = "desktop", status = "available" });
                sockets.Add(new($"{baseUrl}/user/{sub}", org, sub, agent, [Subscribe(null, a), open], 2));
                watches.Add([(-1, a)]);
                foreach (var g in groupsOf[a])
                {
                    sockets.Add(new($"{baseUrl}/user-group/mx{g}", org, sub, agent, [Subscribe(g, null)], 1));
                    watches.Add([(g, -1)]);
                }
            }
        }
        for (var s = 0; s < supervisors; s++)
        {
            var baseUrl = gateway.OrganisationSocketUrl(groupsOf.Length + s);
            var sub = $"sup{s}";
            var watched = SupervisorWatches(s, groups.Length);
            if (variant == Multiplexed)
            {
                sockets.Add(new(baseUrl, org, sub, supervisor, [.. watched.Select(g => Subscribe(g, null))], watched.Length));
                watches.Add([.. watched.Select(g => (g, -1))]);
            }
            else
            {
                foreach (var g in watched)
                {
                    sockets.Add(new($"{baseUrl}/user-group/mx{g}", org, sub, supervisor, [Subscribe(g, null)], 1));
                    watches.Add([(g, -1)]);
                }
            }
        }
        return (sockets, watches);
    }

    /// <summary>
    /// Matches frames to writes exactly: per socket, per topic and per agent, the k-th change frame about the agent
    /// answers the k-th write to that agent (writes to one agent are never in flight together, and each topic keeps its
    /// order). Expected: every acknowledged write once on every (socket, topic) that watches the agent.
    /// </summary>
    public static MultiplexResult Analyse(string variant, IReadOnlyList<PhaseAnalysis.Write> writes, Arrival[] arrivals,
        List<(int Socket, int Topic)>[] watchers, long windowStart)
    {
        var byUser = writes.Where(w => w.Result.Ok).GroupBy(w => w.User)
            .ToDictionary(g => g.Key, g => g.OrderBy(w => w.Result.SentTicks).ToList());
        var watched = new HashSet<(int Socket, int Topic, int User)>();
        for (var a = 0; a < watchers.Length; a++) foreach (var (socket, topic) in watchers[a]) watched.Add((socket, topic, a));

        var changes = arrivals.Where(x => x.Ticks >= windowStart && x.Kind is FrameKind.MemberUpdate or FrameKind.UserUpdate)
            .GroupBy(x => (x.Socket, Topic: x.Kind == FrameKind.UserUpdate ? -1 : x.Topic, x.User));
        var latencies = new List<long>();
        long delivered = 0, unexpected = 0, outOfOrder = 0, wrongStatus = 0;
        foreach (var lane in changes)
        {
            if (!watched.Contains(lane.Key) || !byUser.TryGetValue(lane.Key.User, out var userWrites))
            {
                unexpected += lane.Count();
                continue;
            }
            var k = 0;
            var maxSeq = long.MinValue;
            foreach (var frame in lane.OrderBy(x => x.Ticks))
            {
                if (frame.Seq <= maxSeq) outOfOrder++;
                maxSeq = Math.Max(maxSeq, frame.Seq);
                if (k >= userWrites.Count) { unexpected++; continue; }
                var write = userWrites[k++];
                if (write.Status != frame.Status) wrongStatus++;
                delivered++;
                latencies.Add(frame.Ticks - write.Result.SentTicks);
            }
        }
        latencies.Sort();
        var ok = writes.Count(w => w.Result.Ok);
        return new MultiplexResult
        {
            Variant = variant,
            Writes = writes.Count,
            WritesFailed = writes.Count - ok,
            Expected = writes.Where(w => w.Result.Ok).Sum(w => (long)watchers[w.User].Count),
            Delivered = delivered,
            Unexpected = unexpected,
            OutOfOrder = outOfOrder,
            WrongStatus = wrongStatus,
            P50Ms = PhaseAnalysis.Ms(PhaseAnalysis.Percentile(latencies, 0.50)),
            P99Ms = PhaseAnalysis.Ms(PhaseAnalysis.Percentile(latencies, 0.99)),
            MaxMs = PhaseAnalysis.Ms(latencies.Count == 0 ? 0 : latencies[^1]),
        };
    }
}

/// <summary>The people's sockets, spread over subscriber processes of at most <see cref="SubscriberFleet.PerProcess"/> each.</summary>
public sealed class PeopleFleet : IAsyncDisposable
{
    private readonly List<SubscriberProcess> _children = [];

    public int Connected { get; private set; }
    public int Failed { get; private set; }

    /// <param name="extraFrames">Room in each process's log beyond a few frames per socket (the measured deliveries).</param>
    /// <param name="firstId">The first socket id (and source-address offset) of this fleet, when several run side by side.</param>
    public static async Task<PeopleFleet> StartAsync(IReadOnlyList<PlannedSocket> sockets, BenchEnvironment env, int extraFrames, int firstId = 0)
    {
        var fleet = new PeopleFleet();
        var processes = (sockets.Count + SubscriberFleet.PerProcess - 1) / SubscriberFleet.PerProcess;
        var per = (sockets.Count + processes - 1) / processes;
        try
        {
            for (var first = 0; first < sockets.Count; first += per)
            {
                var n = Math.Min(per, sockets.Count - first);
                var id = firstId + first;
                var file = Path.Combine(env.LogDirectory, $"people-{Environment.ProcessId}-{id}.json");
                PlannedSocket.Write(file, sockets.Skip(first).Take(n));
                // Source addresses: each process its own range (LoopbackSockets), as SubscriberFleet does.
                var spec = new SubscriberProcessSpec("", null, WaitForSnapshot: true, n, id, AddressOffset: id, Stall: false,
                    Capacity: n * 4 + extraFrames) { PlanFile = file, SigningKey = env.Tokens.SigningKey };
                fleet._children.Add(SubscriberProcess.Start(spec));
            }
            foreach (var child in fleet._children)
            {
                var (ok, bad) = await child.ReadyAsync(TimeSpan.FromMinutes(5));
                fleet.Connected += ok;
                fleet.Failed += bad;
            }
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
        return fleet;
    }

    public async Task<long> TotalAsync()
    {
        long total = 0;
        foreach (var child in _children) total += (await child.CountAsync()).Total;
        return total;
    }

    public async Task<int> ClosedAsync()
    {
        var closed = 0;
        foreach (var child in _children) closed += (await child.CountAsync()).Closed;
        return closed;
    }

    /// <summary>Waits (bounded) until no frame arrived for <paramref name="quiet"/>.</summary>
    public async Task WaitForQuietAsync(TimeSpan quiet, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var last = await TotalAsync();
        var since = clock.Elapsed;
        while (clock.Elapsed < bound && clock.Elapsed - since < quiet)
        {
            await Task.Delay(250);
            var total = await TotalAsync();
            if (total != last) (last, since) = (total, clock.Elapsed);
        }
    }

    /// <summary>Waits (bounded) until the fleet has logged <paramref name="target"/> more frames than at its last dump, or stops making progress.</summary>
    public async Task WaitForTotalAsync(long target, TimeSpan bound, TimeSpan stallAfter)
    {
        var clock = Stopwatch.StartNew();
        long last = -1;
        var lastProgress = clock.Elapsed;
        while (clock.Elapsed < bound)
        {
            var total = await TotalAsync() - _dumpedTotal;
            if (total >= target) return;
            if (total != last) (last, lastProgress) = (total, clock.Elapsed);
            else if (clock.Elapsed - lastProgress > stallAfter) return;
            await Task.Delay(100);
        }
    }

    private long _dumpedTotal;

    public async Task<Arrival[]> DumpAsync(string directory)
    {
        var all = new List<Arrival>();
        for (var i = 0; i < _children.Count; i++)
        {
            all.AddRange(await _children[i].DumpAsync(Path.Combine(directory, $"arrivals-{Environment.ProcessId}-people-{i}.bin")));
        }
        _dumpedTotal = await TotalAsync();
        return [.. all];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children) await child.DisposeAsync();
    }
}
