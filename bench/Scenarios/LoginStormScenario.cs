using System.Diagnostics;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>The 9:00 login storm's outcome.</summary>
public sealed record StormResult(int Users, int Groups, int Supervisors, int Writes, int WritesFailed, double WriteSeconds,
    int Converged, double ConvergeSeconds, int SupervisorsClosed, long RssStartBytes, long RssPeakBytes, long RssEndBytes, double WriteP99Ms);

/// <summary>
/// Every agent changes status within ten seconds while supervisors watch their groups; then every supervisor's
/// view is compared with the REST truth until all agree (bounded). Resident memory is sampled throughout: a queue
/// that grew without bound would show as a peak that does not come back.
/// </summary>
public sealed class LoginStormScenario(BenchEnvironment env, Action<string> say)
{
    public async Task<StormResult> RunAsync(BenchOptions options)
    {
        int users = options.StormUsers, groups = options.StormGroups, supervisors = options.StormSupervisors;
        var perGroup = users / groups;
        await using var gateway = GatewaySystem.Embedded(env);
        await gateway.StartAsync();
        var plan = Enumerable.Range(0, groups).Select(g => ($"team{g}", Enumerable.Range(g * perGroup, perGroup).ToArray())).ToList();
        await gateway.ProvisionAsync(new TenantPlan($"bench-{Guid.NewGuid():N}"[..20], users, plan));

        using var sockets = new LoopbackSockets(firstAddress: 120);
        var views = Enumerable.Range(0, supervisors).Select(i => new SupervisorView($"team{i % groups}")).ToList();
        using (var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            foreach (var chunk in views.Chunk(32))
            {
                await Task.WhenAll(chunk.Select(v => v.ConnectAsync(sockets, gateway.SocketUrl(v.GroupId, 0), gateway.OrgId, connecting.Token)));
            }
        }
        var ready = Stopwatch.StartNew();
        while (views.Any(v => !v.HasSnapshot) && ready.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);

        var pid = gateway.SocketPids[0];
        var rssStart = ProcStats.RssBytes(pid);
        long rssPeak = rssStart;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                rssPeak = Math.Max(rssPeak, ProcStats.RssBytes(pid));
                await Task.Delay(250);
            }
        });

        // Open loop: user i writes at i/users of the ten seconds, at most 64 in flight.
        var window = options.Smoke ? 2.0 : 10.0;
        var gate = new SemaphoreSlim(64);
        var failed = 0;
        var latencies = new List<long>(users);
        var start = Stopwatch.GetTimestamp();
        var tasks = new List<Task>(users);
        for (var i = 0; i < users; i++)
        {
            var due = start + (long)(i * window / users * Stopwatch.Frequency);
            var wait = (due - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency;
            if (wait > 0.002) await Task.Delay(TimeSpan.FromSeconds(wait));
            await gate.WaitAsync();
            var user = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var result = await gateway.WriteAsync("", user, (byte)(user % 4 == 3 ? 4 : user % 4)); // available, busy, on_call, dnd
                    if (result.Ok) lock (latencies) latencies.Add(result.AnsweredTicks - result.SentTicks);
                    else Interlocked.Increment(ref failed);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(120));
        var writeSeconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;

        // Converge: compare every view with the REST document of its group until all match (bounded).
        var converging = Stopwatch.StartNew();
        var converged = 0;
        while (converging.Elapsed < TimeSpan.FromSeconds(60))
        {
            var truth = new Dictionary<string, System.Text.Json.JsonElement>();
            foreach (var g in views.Select(v => v.GroupId).Distinct()) truth[g] = await gateway.GetGroupAsync(g);
            converged = views.Count(v => v.Matches(truth[v.GroupId]));
            if (converged == views.Count) break;
            await Task.Delay(100);
        }
        var convergeSeconds = converging.Elapsed.TotalSeconds;
        await Task.Delay(1000);
        sampling.Cancel();
        await sampler;
        var closed = views.Count(v => v.Closed);
        foreach (var v in views) await v.DisposeAsync();
        latencies.Sort();
        var result = new StormResult(users, groups, supervisors, users, failed, writeSeconds, converged, convergeSeconds, closed,
            rssStart, rssPeak, ProcStats.RssBytes(pid), PhaseAnalysis.Ms(PhaseAnalysis.Percentile(latencies, 0.99)));
        say($"  storm: {users} writes in {writeSeconds:F1}s ({failed} failed, p99 {result.WriteP99Ms:F1} ms); {converged}/{supervisors} converged " +
            $"{convergeSeconds:F2}s after the last answer; {closed} closed; RSS {rssStart / 1048576} -> peak {rssPeak / 1048576} -> {result.RssEndBytes / 1048576} MiB");
        return result;
    }
}
