using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>One repeat of the sessions scenario: what holding sessions steady costs per second, and whether they held.</summary>
public sealed record SessionsResult
{
    public int InBand { get; init; }
    public int Rest { get; init; }
    public int Sessions => InBand + Rest;
    public int LeaseSeconds { get; init; }
    public double SweepSeconds { get; init; }
    public double WindowSeconds { get; init; }
    /// <summary>Per-session grain calls the gateway made for in-band sessions, per second (re-opens after a lapse: 0 in steady state).</summary>
    public double GatewayRenewalCallsPerSecond { get; init; }
    /// <summary>Renewals of the gateway's lease, which keeps all its in-band sessions, per second.</summary>
    public double GatewayLeaseRenewalsPerSecond { get; init; }
    /// <summary>In-band sessions' holder checks the silo answered from its cache, per second.</summary>
    public double HolderChecksCachedPerSecond { get; init; }
    /// <summary>Holder checks that called the gateway's lease grain, per second.</summary>
    public double HolderChecksCalledPerSecond { get; init; }
    /// <summary>REST heartbeats the bench sent, per second.</summary>
    public double RestHeartbeatsPerSecond { get; init; }
    /// <summary>Lease-only renewals the user grains received (both kinds), per second.</summary>
    public double GrainRenewalsPerSecond { get; init; }
    public double StorageWritesPerSecond { get; init; }
    public double StorageReadsPerSecond { get; init; }
    public double StorageBytesWrittenPerSecond { get; init; }
    public double ReminderTicksPerSecond { get; init; }
    public double DeadlineTimersPerSecond { get; init; }
    public double GatewayCores { get; init; }
    public double LoadAverage { get; init; }
    /// <summary>Frames the agents' sockets got during the window: a held session changes nothing, so any is a stale or lost session.</summary>
    public long FramesDuringWindow { get; init; }
    public int SocketsFailed { get; init; }
    public int SocketsClosed { get; init; }
    public long HeartbeatsExpired { get; init; }
    public long HeartbeatsFailed { get; init; }
    /// <summary>Users who at the end did not hold exactly their one live session.</summary>
    public int SessionsLost { get; init; }
    public int Repeat { get; init; }

    /// <summary>A per-second figure at 50,000 sessions with the shipped lease and sweep (60 s each): linear in sessions, inverse in the period.</summary>
    public double At50k(double perSecond, double periodSeconds, double defaultPeriodSeconds = 60) =>
        perSecond * 50_000.0 / Sessions * periodSeconds / defaultPeriodSeconds;
}

/// <summary>
/// Issue 11 §5: the steady cost of presence sessions. One gateway process with its embedded silo (memory storage and
/// reminders, counted by the same meters as in a cluster); N agents each hold one session, half in-band on their own
/// user socket (kept by the gateway's lease) and half over REST (the bench sends an empty heartbeat every third of the
/// lease). Once every session is open and renewing, the scenario measures over a window of whole leases and sweep
/// periods: renewal grain calls, storage operations and bytes, session reminder ticks and deadline timers (read from
/// the gateway's /metrics), and the gateway's CPU. Then it checks that no session was lost: no socket closed, no
/// heartbeat answered 404, no frame to an agent (a stale or expired session would send one), and every user lists
/// exactly their one live session.
/// </summary>
public sealed class SessionsScenario(BenchEnvironment env, Action<string> say)
{
    public async Task<List<SessionsResult>> RunAsync(BenchOptions options)
    {
        var results = new List<SessionsResult>();
        for (var r = 0; r < options.Repeats; r++) results.Add(await MeasureAsync(options) with { Repeat = r + 1 });
        return results;
    }

    private async Task<SessionsResult> MeasureAsync(BenchOptions options)
    {
        var total = options.SessionCount;
        int inBand = total / 2, rest = total - inBand;
        var lease = TimeSpan.FromSeconds(options.SessionLeaseSeconds);
        var period = lease / 3; // the documented heartbeat cadence, and the gateway's renewal cadence
        var sweep = TimeSpan.FromSeconds(options.SessionSweepSeconds);
        string[] sweepArgument = options.SessionSweepSeconds == 60 ? [] : [$"--Cluster:SessionSweepPeriod={sweep:c}"];

        await using var gateway = new GatewaySystem(env, "gateway", silos: 0, gateways: 1) { ExtraArguments = sweepArgument };
        await gateway.StartAsync();
        await gateway.ProvisionAsync(new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], total, []) { Sessions = true, LeaseSeconds = options.SessionLeaseSeconds });
        var org = gateway.OrgId;

        // In-band agents, opened in batches spread over one renewal period: agents log in at different times, and the
        // gateway's renewals would otherwise come in one burst per period (a window's count would depend on where it fell).
        var batches = options.Smoke ? 1 : 5;
        var fleets = new List<PeopleFleet>();
        RestSessionHolders? holders = null;
        try
        {
            var openClock = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                var spread = period * b / batches - openClock.Elapsed;
                if (spread > TimeSpan.Zero) await Task.Delay(spread); // the schedule of the logins, not a wait for the server
                int first = inBand * b / batches, last = inBand * (b + 1) / batches;
                var sockets = Enumerable.Range(first, last - first).Select(a => new PlannedSocket(
                    $"{gateway.OrganisationSocketUrl()}/user/u{a}", org, $"u{a}", ["agent"],
                    [JsonSerializer.Serialize(new { action = "subscribe", orgId = org, userId = $"u{a}" }),
                     JsonSerializer.Serialize(new { action = "session_open", device = "desktop", status = "available" })], 2)).ToList();
                fleets.Add(await PeopleFleet.StartAsync(sockets, env, extraFrames: 64, firstId: first));
            }
            var failed = fleets.Sum(f => f.Failed);
            say($"  sessions: {fleets.Sum(f => f.Connected):N0} in-band sessions open ({failed} failed) in {openClock.Elapsed.TotalSeconds:F0} s");
            if (failed > 0) throw new InvalidOperationException($"sessions: {failed} of {inBand} in-band sessions failed to open");

            holders = await RestSessionHolders.StartAsync(gateway, env.Tokens.Mint(org), firstUser: inBand, rest, period);
            say($"  sessions: {rest:N0} REST sessions open, heartbeats every {period.TotalSeconds:F0} s");

            // Opening changed every agent's status (offline -> available): wait for those frames, then one more renewal
            // period so every session is in its steady cadence before measuring.
            foreach (var fleet in fleets) await fleet.WaitForQuietAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            await Task.Delay(period);

            var load = LoadAverage.Now();
            var framesBefore = await TotalFramesAsync(fleets);
            var sentBefore = holders.HeartbeatsSent;
            var before = SessionMeters.Parse(await gateway.MetricsAsync());
            var cpuBefore = ProcStats.CpuMicros(gateway.ServerPids);
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(options.SessionWindowSeconds)); // the measured window itself
            var cpu = ProcStats.CpuMicros(gateway.ServerPids) - cpuBefore;
            var delta = SessionMeters.Parse(await gateway.MetricsAsync()).Minus(before);
            var seconds = clock.Elapsed.TotalSeconds;
            var sent = holders.HeartbeatsSent - sentBefore;
            var frames = await TotalFramesAsync(fleets) - framesBefore;

            // Correctness: every session still open while its holder lived.
            var closed = 0;
            foreach (var fleet in fleets) closed += await fleet.ClosedAsync();
            var lost = await CountLostSessionsAsync(gateway, env.Tokens.Mint(org), total, inBand, holders);

            var result = new SessionsResult
            {
                InBand = inBand,
                Rest = rest,
                LeaseSeconds = options.SessionLeaseSeconds,
                SweepSeconds = sweep.TotalSeconds,
                WindowSeconds = seconds,
                GatewayRenewalCallsPerSecond = delta.Get(SessionMeters.GatewayRenewals) / seconds,
                GatewayLeaseRenewalsPerSecond = delta.Get(SessionMeters.GatewayLeaseRenewals) / seconds,
                HolderChecksCachedPerSecond = delta.HolderChecksAnsweredBy("cache") / seconds,
                HolderChecksCalledPerSecond = delta.HolderChecksAnsweredBy("lease_grain") / seconds,
                RestHeartbeatsPerSecond = sent / seconds,
                GrainRenewalsPerSecond = delta.Get(SessionMeters.GrainRenewals) / seconds,
                StorageWritesPerSecond = delta.StorageOperations("write") / seconds,
                StorageReadsPerSecond = delta.StorageOperations("read") / seconds,
                StorageBytesWrittenPerSecond = delta.StorageBytes("write") / seconds,
                ReminderTicksPerSecond = delta.Get(SessionMeters.ReminderTicks) / seconds,
                DeadlineTimersPerSecond = delta.Get(SessionMeters.DeadlineTimers) / seconds,
                GatewayCores = cpu / 1e6 / seconds,
                LoadAverage = load,
                FramesDuringWindow = frames,
                SocketsFailed = failed,
                SocketsClosed = closed,
                HeartbeatsExpired = holders.HeartbeatsExpired,
                HeartbeatsFailed = holders.HeartbeatsFailed,
                SessionsLost = lost,
            };
            say($"  sessions: {inBand:N0} in-band + {rest:N0} REST, lease {lease.TotalSeconds:F0} s, sweep {sweep.TotalSeconds:F0} s, window {seconds:F1} s: " +
                $"gateway per-session calls {result.GatewayRenewalCallsPerSecond:F1}/s, gateway lease renewals {result.GatewayLeaseRenewalsPerSecond:F2}/s, " +
                $"holder checks {result.HolderChecksCachedPerSecond:F1}/s cached, {result.HolderChecksCalledPerSecond:F2}/s called, REST heartbeats {result.RestHeartbeatsPerSecond:F1}/s, " +
                $"grain renewals {result.GrainRenewalsPerSecond:F1}/s, storage writes {result.StorageWritesPerSecond:F2}/s ({result.StorageBytesWrittenPerSecond:F0} B/s), " +
                $"reads {result.StorageReadsPerSecond:F2}/s, reminder ticks {result.ReminderTicksPerSecond:F1}/s, deadline timers {result.DeadlineTimersPerSecond:F2}/s, " +
                $"gateway {result.GatewayCores:F3} cores; frames {frames}, closed {closed}, heartbeats expired {result.HeartbeatsExpired} failed {result.HeartbeatsFailed}, " +
                $"sessions lost {lost}; load average {load:F1}");
            return result;
        }
        finally
        {
            if (holders is not null) await holders.DisposeAsync();
            foreach (var fleet in fleets) await fleet.DisposeAsync();
        }
    }

    private static async Task<long> TotalFramesAsync(List<PeopleFleet> fleets)
    {
        long total = 0;
        foreach (var fleet in fleets) total += await fleet.TotalAsync();
        return total;
    }

    /// <summary>Users who do not list exactly one live session (for REST holders: the one the bench holds).</summary>
    private static async Task<int> CountLostSessionsAsync(GatewaySystem gateway, string token, int users, int inBand, RestSessionHolders holders)
    {
        using var http = BenchEnvironment.NewHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var lost = 0;
        await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (u, _) =>
        {
            using var body = JsonDocument.Parse(await http.GetStringAsync($"{gateway.RestBaseUrl()}/user/u{u}/sessions"));
            var sessions = body.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionId").GetString()).ToList();
            var held = sessions.Count == 1 && (u < inBand || sessions[0] == holders.SessionIdOf(u));
            if (!held) Interlocked.Increment(ref lost);
        });
        return lost;
    }
}
