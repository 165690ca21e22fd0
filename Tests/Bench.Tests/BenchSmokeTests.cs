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
            LogDirectory = Path.Combine(Path.GetTempPath(), $"freedomcti-bench-smoke-{Guid.NewGuid():N}"),
        };

        var results = await BenchRunner.MeasureAsync(options, output.WriteLine).WaitAsync(TimeSpan.FromMinutes(5));

        Assert.Empty(results.Problems);
        Assert.NotEmpty(results.FanOut);
        Assert.All(results.FanOut, p =>
        {
            Assert.True(p.Expected > 0, $"{p.System} {p.Phase} expected nothing");
            Assert.Equal(p.Expected, p.Delivered);
            Assert.Equal(0, p.Duplicated + p.OutOfOrder + p.WrongStatus);
        });
        Assert.All(results.Writes, w => Assert.True(w.Writes > 0 && w.Failed == 0, $"{w.System}: {w.Writes} writes, {w.Failed} failed"));
        Assert.NotNull(results.Storm);
        Assert.Equal(results.Storm.Supervisors, results.Storm.Converged);
        Assert.NotNull(results.Stalled);
        Assert.Equal(0, results.Stalled.HealthyClosed);
        Assert.Equal(results.Stalled.With.Expected, results.Stalled.With.Delivered);
        // Multiplex: both variants, every socket open (agents 3 per topic + supervisors, or one a person), every change
        // delivered once to every (socket, topic) watching the agent.
        Assert.Equal(["multiplexed", "per-topic"], results.Multiplex.Select(x => x.Variant).Order());
        Assert.All(results.Multiplex, x =>
        {
            var groups = Math.Min(10, x.Agents / 20);
            Assert.Equal(x.Variant == "multiplexed" ? x.People : 3 * x.Agents + groups * x.Supervisors, x.Sockets);
            Assert.True(x.Expected > 0 && x.Expected == x.Delivered, $"{x.Variant}: delivered {x.Delivered} of {x.Expected}");
            Assert.Equal(0, x.Unexpected + x.OutOfOrder + x.WrongStatus + x.WritesFailed + x.SocketsClosed);
        });
        Assert.Equal(results.Multiplex[0].Expected, results.Multiplex[1].Expected);
    }
}
