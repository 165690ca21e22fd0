using Xunit.Abstractions;

namespace FreedomCti.Bench.Tests;

/// <summary>
/// The benchmark at CI size: real gateway and peer processes, real sockets on loopback. It checks the counting
/// (every frame delivered exactly once, in order, saying what was written), never the speed.
/// </summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SmokeRun_EveryWriteReachesEverySubscriberOnce_AndSupervisorsConverge()
    {
        var options = BenchOptions.SmokeSize with
        {
            Smoke = true,
            Scenarios = [.. BenchOptions.SmokeSize.Scenarios.Where(s => s is not "multiplex" and not "sessions")], // their own tests below
            LogDirectory = Path.Combine(Path.GetTempPath(), $"freedomcti-bench-smoke-{Guid.NewGuid():N}"),
        };

        var results = await BenchRunner.MeasureAsync(options, output.WriteLine).WaitAsync(TimeSpan.FromMinutes(5));

        Assert.Empty(results.Problems);
        Assert.NotEmpty(results.FanOut);
        Assert.All(results.FanOut, p =>
        {
            Assert.True(p.Expected > 0, $"{p.System} {p.Phase} expected nothing");
            Assert.Equal(p.Expected, p.Delivered);
            // The bare Kestrel peer reorders overlapping publishes (no seq of its own; docs/performance.md): not counted against it.
            Assert.Equal(0, p.Duplicated + (Systems.KestrelPeerSystem.KeepsOrder(p.System) ? p.OutOfOrder : 0) + p.WrongStatus);
        });
        Assert.All(results.Writes, w => Assert.True(w.Writes > 0 && w.Failed == 0, $"{w.System}: {w.Writes} writes, {w.Failed} failed"));
        Assert.NotNull(results.Storm);
        Assert.Equal(results.Storm.Supervisors, results.Storm.Converged);
        Assert.NotNull(results.Stalled);
        Assert.Equal(0, results.Stalled.HealthyClosed);
        Assert.Equal(results.Stalled.With.Expected, results.Stalled.With.Delivered);
    }

    /// <summary>Issue 12 §2 at CI size (~25 s): 100 agents and 5 supervisors, multiplexed and per topic.</summary>
    [Fact]
    public async Task Multiplex_BothVariantsOpenEverySocket_AndDeliverEveryChangeOncePerWatchingTopic()
    {
        var options = BenchOptions.SmokeSize with
        {
            Smoke = true,
            Scenarios = ["multiplex"],
            LogDirectory = Path.Combine(Path.GetTempPath(), $"freedomcti-bench-smoke-{Guid.NewGuid():N}"),
        };

        var results = await BenchRunner.MeasureAsync(options, output.WriteLine).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Empty(results.Problems);
        Assert.Equal(["multiplexed", "per-topic"], results.Multiplex.Select(x => x.Variant).Order());
        Assert.All(results.Multiplex, x =>
        {
            // Per topic: an agent's user socket (holding its session) and one per group; a supervisor one per group.
            var groups = Math.Min(10, x.Agents / 20);
            Assert.Equal(x.Variant == "multiplexed" ? x.People : 3 * x.Agents + groups * x.Supervisors, x.Sockets);
            Assert.True(x.Expected > 0 && x.Expected == x.Delivered, $"{x.Variant}: delivered {x.Delivered} of {x.Expected}");
            Assert.Equal(0, x.Unexpected + x.OutOfOrder + x.WrongStatus + x.WritesFailed + x.SocketsClosed);
        });
        // The same writes (same agents, same order) in both variants: the same deliveries are owed.
        Assert.Equal(results.Multiplex[0].Expected, results.Multiplex[1].Expected);
    }

    /// <summary>Issue 11 §5 at CI size (~30 s): 50 in-band and 50 REST sessions held over a 6 s lease and sweep, none lost.</summary>
    [Fact]
    public async Task Sessions_HeldSessionsAllSurvive_AndTheirRenewalsChecksAndSweepsAreCounted()
    {
        var options = BenchOptions.SmokeSize with
        {
            Smoke = true,
            Scenarios = ["sessions"],
            LogDirectory = Path.Combine(Path.GetTempPath(), $"freedomcti-bench-smoke-{Guid.NewGuid():N}"),
        };

        var results = await BenchRunner.MeasureAsync(options, output.WriteLine).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Empty(results.Problems); // no socket closed, no 404 heartbeat, every user still lists its one session
        var x = Assert.Single(results.Sessions);
        Assert.Equal(options.SessionCount, x.Sessions);
        Assert.Equal(0, x.SocketsClosed + x.HeartbeatsExpired + x.SessionsLost + x.FramesDuringWindow);
        // The counters move: REST renewals reach the grains, the gateway renews its one lease instead of each in-band
        // session, the in-band sessions' holder checks are counted, and every user's reminder ticks once per sweep.
        // Bounds are loose on purpose (a loaded CI machine renews late); the figures themselves are the bench's report.
        Assert.Equal(0, x.GatewayRenewalCallsPerSecond); // no per-session call while the gateway's lease holds them
        Assert.True(x.GatewayLeaseRenewalsPerSecond > 0, "no gateway lease renewal counted");
        Assert.True(x.HolderChecksCachedPerSecond + x.HolderChecksCalledPerSecond > 0, "no holder check of an in-band session counted");
        Assert.True(x.RestHeartbeatsPerSecond > 0, $"no REST heartbeat sent ({x.RestHeartbeatsPerSecond:F1}/s)");
        Assert.True(x.GrainRenewalsPerSecond > 0, "no REST renewal reached the grains");
        Assert.True(x.ReminderTicksPerSecond > 0, "no session reminder tick counted");
        Assert.Equal(0, x.StorageWritesPerSecond); // renewals are not stored (docs/presence-sessions.md#what-is-stored)
    }

    /// <summary>
    /// The memory scenarios at CI size: a gateway variant (--gateway-variants) and the peer open every socket on fresh
    /// processes; organisation sockets take every subscription (1 and 10 topics each) and none is closed. Counts only.
    /// </summary>
    [Fact]
    public async Task MemoryScenarios_OpenEverySocketAndSubscription_OnFreshProcesses()
    {
        var options = BenchOptions.SmokeSize with
        {
            Smoke = true,
            Scenarios = ["idle-memory", "sub-memory"],
            Systems = ["gateway:wks", "kestrel-peer"],
            GatewayVariants = BenchOptions.ParseVariants("wks:DOTNET_gcServer=0"),
            LogDirectory = Path.Combine(Path.GetTempPath(), $"freedomcti-bench-smoke-{Guid.NewGuid():N}"),
        };

        var results = await BenchRunner.MeasureAsync(options, output.WriteLine).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Empty(results.Problems);
        Assert.Equal(["gateway:wks", "kestrel-peer"], results.IdleMemory.Select(m => m.System).Order());
        Assert.All(results.IdleMemory, m => Assert.Equal((options.Sizes[0], 0), (m.Subscribers, m.Failed)));
        Assert.Equal([1, options.SubTopics], results.SubscriptionMemory.Select(x => x.TopicsPerSocket).Order());
        Assert.All(results.SubscriptionMemory, x =>
        {
            Assert.Equal("gateway:wks", x.System);
            Assert.Equal((options.SubSockets, 0, 0), (x.Sockets, x.SocketsFailed, x.SocketsClosed));
        });
    }
}
