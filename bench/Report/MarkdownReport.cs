using System.Globalization;
using System.Text;
using FreedomCti.Bench.Scenarios;

namespace FreedomCti.Bench.Report;

/// <summary>Renders a run as the section appended to docs/performance.md: machine, command, medians, and ratios against the peers.</summary>
public static class MarkdownReport
{
    public static string Render(BenchOptions options, BenchResults r)
    {
        var s = new StringBuilder();
        s.AppendLine().AppendLine($"### Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(options.Smoke ? " (smoke size)" : "")}").AppendLine();
        s.AppendLine($"Machine: {Environment.ProcessorCount} cores, {CpuModel()}, {MemoryGiB():F0} GiB; .NET {Environment.Version}; shared with other builds (noisy).  ");
        s.AppendLine($"Command: `bench/run.sh {options.CommandLine}`; medians of {options.Repeats} repeat(s) per phase.  ");
        s.AppendLine($"Load average (1 min) sampled before each scenario and at the end: {string.Join(", ", r.LoadAverages.Select(l => l.ToString("F2", CultureInfo.InvariantCulture)))}.").AppendLine();

        if (r.FanOut.Count > 0) FanOut(s, r);
        if (r.Writes.Count > 0) Writes(s, r);
        if (r.WritesFanOut.Count > 0) WritesFanOut(s, r);
        if (r.GroupSize.Count > 0) GroupSize(s, r);
        if (r.Storm is { } storm) Storm(s, storm);
        if (r.Stalled is { } stalled) Stalled(s, stalled);
        if (r.Cluster.Count > 0) Cluster(s, r);
        if (r.Multiplex.Count > 0) Multiplex(s, options, r);
        if (r.Sessions.Count > 0) SessionsReport.Render(s, r.Sessions);
        if (r.IdleMemory.Count > 0) MemoryReport.IdleMemory(s, r.IdleMemory);
        if (r.SubscriptionMemory.Count > 0) MemoryReport.SubscriptionMemory(s, r.SubscriptionMemory);
        s.AppendLine(r.Problems.Count == 0 ? "Counts: no lost, duplicated or out-of-order delivery; every write answered." : "Problems:");
        foreach (var p in r.Problems) s.AppendLine($"- {p}");
        s.AppendLine();
        return s.ToString();
    }

    private static void FanOut(StringBuilder s, BenchResults r)
    {
        foreach (var size in r.FanOut.Select(p => p.Subscribers).Distinct())
        {
            var phases = r.FanOut.Where(p => p.Subscribers == size).ToList();
            var systems = phases.Select(p => p.System).Distinct().ToList();
            s.AppendLine($"#### Fan-out: one group, {size:N0} subscribers, one member change per message").AppendLine();
            s.AppendLine("| system | phase | deliveries/s | p50 ms | p90 ms | p99 ms | max ms | lost | dup | ooo | server µs/delivery | server cores (idle) | load-gen µs/delivery | RSS KiB/subscriber |");
            s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var group in phases.GroupBy(p => (p.System, p.Phase)))
            {
                var m = r.Memory.FirstOrDefault(x => x.System == group.Key.System && x.Subscribers >= size - 1 - x.Failed && x.Subscribers <= size);
                s.AppendLine($"| {group.Key.System} | {group.Key.Phase} | {Med(group, p => p.DeliveriesPerSecond):F0} | {Med(group, p => p.P50Ms):F1} | {Med(group, p => p.P90Ms):F1} | " +
                    $"{Med(group, p => p.P99Ms):F1} | {Med(group, p => p.MaxMs):F1} | {group.Sum(p => p.Lost)} | {group.Sum(p => p.Duplicated)} | {group.Sum(p => p.OutOfOrder)} | " +
                    $"{Med(group, p => p.ServerCpuMicrosPerDelivery):F2} | {Med(group, p => p.ServerCpuCores):F2} ({m?.IdleServerCores:F2}) | {Med(group, p => p.LoadCpuMicrosPerDelivery):F2} | {(m is null ? "" : m.KiBPerSubscriber.ToString("F1", CultureInfo.InvariantCulture))} |");
            }
            s.AppendLine();
            foreach (var subject in systems.Where(x => x.StartsWith("gateway", StringComparison.Ordinal)))
            {
                foreach (var peer in systems.Where(x => !x.StartsWith("gateway", StringComparison.Ordinal)))
                {
                    s.AppendLine($"Ratios {subject} / {peer} ({size:N0} subscribers; below 1 means the gateway is better, except deliveries/s):  ");
                    var closedSubject = phases.Where(p => p.System == subject && p.Phase == "closed-loop").ToList();
                    var closedPeer = phases.Where(p => p.System == peer && p.Phase == "closed-loop").ToList();
                    var fixedSubject = phases.Where(p => p.System == subject && p.Phase != "closed-loop").ToList();
                    var fixedPeer = phases.Where(p => p.System == peer && p.Phase != "closed-loop").ToList();
                    var memSubject = r.Memory.FirstOrDefault(x => x.System == subject && Math.Abs(x.Subscribers - size) <= size / 10);
                    var memPeer = r.Memory.FirstOrDefault(x => x.System == peer && Math.Abs(x.Subscribers - size) <= size / 10);
                    s.AppendLine($"server CPU/delivery closed-loop **{Ratio(closedSubject, closedPeer, p => p.ServerCpuMicrosPerDelivery)}**, " +
                        $"at fixed rate **{Ratio(fixedSubject, fixedPeer, p => p.ServerCpuMicrosPerDelivery)}**; " +
                        $"p99 at fixed rate **{Ratio(fixedSubject, fixedPeer, p => p.P99Ms)}**; " +
                        $"deliveries/s closed-loop **{Ratio(closedSubject, closedPeer, p => p.DeliveriesPerSecond)}**; " +
                        $"RSS/subscriber **{(memSubject is null || memPeer is null ? "n/a" : (memSubject.KiBPerSubscriber / memPeer.KiBPerSubscriber).ToString("F2", CultureInfo.InvariantCulture))}**").AppendLine();
                }
            }
        }
    }

    private static void Writes(StringBuilder s, BenchResults r)
    {
        s.AppendLine("#### REST presence writes (32 concurrent writers, closed loop, no subscribers)").AppendLine();
        s.AppendLine("| endpoint | writes/s | p50 ms | p99 ms | failed | server µs/write |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var g in r.Writes.GroupBy(w => w.System))
        {
            s.AppendLine($"| {g.Key} | {Med(g, w => w.PerSecond):F0} | {Med(g, w => w.P50Ms):F2} | {Med(g, w => w.P99Ms):F2} | {g.Sum(w => w.Failed)} | {Med(g, w => w.ServerCpuMicrosPerWrite):F0} |");
        }
        var gw = r.Writes.Where(w => w.System == "gateway").ToList();
        var noop = r.Writes.Where(w => w.System == "kestrel-noop").ToList();
        if (gw.Count > 0 && noop.Count > 0)
        {
            s.AppendLine().AppendLine($"Ratio gateway / no-work Kestrel endpoint, writes/s: **{Med(gw, w => w.PerSecond) / Med(noop, w => w.PerSecond):F2}** (target ≥ 0.5).");
        }
        s.AppendLine();
    }

    private static void WritesFanOut(StringBuilder s, BenchResults r)
    {
        var subscribers = r.WritesFanOut[0].Subscribers;
        s.AppendLine($"#### REST presence writes with fan-out (32 writers, closed loop; 1,024 users in 32 groups of 64, each user in 2 groups; {subscribers} sockets, {subscribers / 32} per group)").AppendLine();
        s.AppendLine("| system | writes/s (each repeat) | median | p50 ms | p99 ms | failed | server µs/write | delivered / expected | stale members |").AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in r.WritesFanOut.GroupBy(w => w.System))
        {
            s.AppendLine($"| {g.Key} | {string.Join(", ", g.Select(w => w.PerSecond.ToString("F0", CultureInfo.InvariantCulture)))} | {Med(g, w => w.PerSecond):F0} | {Med(g, w => w.P50Ms):F2} | {Med(g, w => w.P99Ms):F2} | " +
                $"{g.Sum(w => w.Failed)} | {Med(g, w => w.ServerCpuMicrosPerWrite):F0} | {g.Sum(w => w.Delivered):N0} / {g.Sum(w => w.ExpectedDeliveries):N0} | {g.Sum(w => w.StaleMembers)} |");
        }
        var gw = r.WritesFanOut.Where(w => w.System == "gateway").ToList();
        var peer = r.WritesFanOut.Where(w => w.System == "redis-peer").ToList();
        if (gw.Count > 0 && peer.Count > 0)
        {
            // Repeat i of each system ran back to back: the per-repeat ratios show the spread, the worst is the lowest.
            var pairs = gw.Zip(peer, (a, b) => a.PerSecond / b.PerSecond).ToList();
            s.AppendLine().AppendLine($"Ratio gateway / Redis peer, writes/s: medians **{Med(gw, w => w.PerSecond) / Med(peer, w => w.PerSecond):F2}** " +
                $"(per repeat {string.Join(", ", pairs.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)))}; worst {pairs.Min():F2}); " +
                $"server CPU per write **{Med(gw, w => w.ServerCpuMicrosPerWrite) / Med(peer, w => w.ServerCpuMicrosPerWrite):F2}** (target ≥ 1.0 writes/s).");
        }
        s.AppendLine();
    }

    private static void GroupSize(StringBuilder s, BenchResults r)
    {
        s.AppendLine("#### Group size: one member change at 10/s, 10 subscribers").AppendLine();
        s.AppendLine("| group | REST write p50 ms (grain time) | frame bytes | delivery p50 ms | p99 ms | server µs/write |").AppendLine("|---|---:|---:|---:|---:|---:|");
        var rows = r.GroupSize.GroupBy(p => p.Phase).ToList();
        foreach (var g in rows)
        {
            s.AppendLine($"| {g.Key} | {Med(g, p => p.WriteP50Ms):F2} | {Med(g, p => p.AverageFrameBytes):F0} | {Med(g, p => p.P50Ms):F2} | {Med(g, p => p.P99Ms):F2} | {Med(g, p => p.ServerCpuMicrosPerDelivery * p.Subscribers):F0} |");
        }
        if (rows.Count == 2)
        {
            var (small, large) = (rows[0].ToList(), rows[1].ToList());
            s.AppendLine().AppendLine($"Ratios large / small (target ≤ 1.5): write time **{Ratio(large, small, p => p.WriteP50Ms)}**, bytes **{Ratio(large, small, p => p.AverageFrameBytes)}**, " +
                $"latency p50 **{Ratio(large, small, p => p.P50Ms)}**, server CPU/write **{Ratio(large, small, p => p.ServerCpuMicrosPerDelivery)}**.");
        }
        s.AppendLine();
    }

    private static void Storm(StringBuilder s, StormResult x)
    {
        s.AppendLine($"#### Login storm: {x.Users:N0} agents change status while {x.Supervisors} supervisors watch {x.Groups} groups").AppendLine();
        s.AppendLine($"Writes: {x.Writes:N0} in {x.WriteSeconds:F1} s, {x.WritesFailed} failed, p99 {x.WriteP99Ms:F1} ms. " +
            $"Converged: **{x.Converged}/{x.Supervisors}** supervisors equal the REST truth **{x.ConvergeSeconds:F2} s** after the last write was answered; {x.SupervisorsClosed} closed. " +
            $"Gateway RSS {x.RssStartBytes / 1048576} MiB → peak {x.RssPeakBytes / 1048576} → {x.RssEndBytes / 1048576} MiB.").AppendLine();
    }

    private static void Stalled(StringBuilder s, StalledResult x)
    {
        s.AppendLine($"#### Slow consumers: {x.Stalled} stalled sockets beside {x.Without.Subscribers:N0} healthy ones").AppendLine();
        s.AppendLine("| phase | healthy p50 ms | p99 ms | max ms | lost | server µs/delivery |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var p in new[] { x.Without, x.ControlBurst, x.Burst, x.With })
        {
            s.AppendLine($"| {p.Phase} | {p.P50Ms:F1} | {p.P99Ms:F1} | {p.MaxMs:F1} | {p.Lost} | {p.ServerCpuMicrosPerDelivery:F2} |");
        }
        s.AppendLine().AppendLine($"Healthy p99 with/without stalled: **{x.With.P99Ms / x.Without.P99Ms:F2}**; healthy sockets closed: {x.HealthyClosed}; " +
            $"gateway RSS {x.RssAfterControlBurstBytes / 1048576} MiB after the control burst (no stalled sockets), {x.RssBeforeStalledBytes / 1048576} with the stalled connected → " +
            $"{x.RssAfterBurstBytes / 1048576} after the same burst with them → {x.RssEndBytes / 1048576} at the end.").AppendLine();
    }

    private static void Cluster(StringBuilder s, BenchResults r)
    {
        s.AppendLine("#### Beyond one gateway").AppendLine();
        foreach (var p in r.Cluster)
        {
            var m = r.Memory.FirstOrDefault(x => x.System == p.System);
            s.AppendLine($"- {p.System} {p.Phase}: {p.Delivered:N0}/{p.Expected:N0} delivered to {p.Subscribers:N0} subscribers, {p.DeliveriesPerSecond:F0}/s, p99 {p.P99Ms:F1} ms, " +
                $"server {p.ServerCpuMicrosPerDelivery:F2} µs/delivery (all processes), RSS {m?.KiBPerSubscriber:F1} KiB/subscriber (gateways).");
        }
        s.AppendLine();
    }

    private static void Multiplex(StringBuilder s, BenchOptions options, BenchResults r)
    {
        var first = r.Multiplex[0];
        var groups = first.Agents / MultiplexScenario.AgentsPerTeam;
        s.AppendLine($"#### Multiplexed sockets vs one socket per topic: {first.Agents:N0} agents (session + own user + 2 groups each), " +
            $"{first.Supervisors:N0} supervisors (10 groups each), {groups:N0} groups of {2 * MultiplexScenario.AgentsPerTeam}; " +
            $"{options.MuxWrites} changes at {options.FixedRate.ToString(CultureInfo.InvariantCulture)}/s over random agents" +
            (options.MuxGateways > 1 ? $"; 1 silo and {options.MuxGateways} gateways" : "")).AppendLine();
        s.AppendLine("Medians of the repeats; in brackets the worst repeat (highest; for sockets the fewest). RSS per person: all of the gateway's RSS / people; net: (connected − before connecting) / people." +
            (options.MuxGateways > 1 ? " Gateway RSS is the sum over the gateways (the silo's is not in it); server CPU counts the silo and every gateway." : "")).AppendLine();
        s.AppendLine("| variant | sockets open | gateway RSS MiB | KiB/person | net KiB/person | idle server cores | server µs/delivery | server µs/change | p50 ms | p99 ms | max ms | delivered / expected | lost | closed |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        static string F(double median, double worst, string format) =>
            $"{median.ToString(format, CultureInfo.InvariantCulture)} ({worst.ToString(format, CultureInfo.InvariantCulture)})";
        var variants = r.Multiplex.GroupBy(x => x.Variant).ToList();
        foreach (var g in variants)
        {
            s.AppendLine($"| {g.Key} | {Med(g, x => x.Sockets):N0} ({g.Min(x => x.Sockets):N0}) | {F(Med(g, x => x.RssConnectedBytes / 1048576.0), g.Max(x => x.RssConnectedBytes / 1048576.0), "F0")} | " +
                $"{F(Med(g, x => x.RssKiBPerPerson), g.Max(x => x.RssKiBPerPerson), "F1")} | {F(Med(g, x => x.NetRssKiBPerPerson), g.Max(x => x.NetRssKiBPerPerson), "F1")} | " +
                $"{F(Med(g, x => x.IdleServerCores), g.Max(x => x.IdleServerCores), "F3")} | {F(Med(g, x => x.ServerCpuMicrosPerDelivery), g.Max(x => x.ServerCpuMicrosPerDelivery), "F1")} | " +
                $"{F(Med(g, x => x.ServerCpuMicrosPerWrite), g.Max(x => x.ServerCpuMicrosPerWrite), "F0")} | {F(Med(g, x => x.P50Ms), g.Max(x => x.P50Ms), "F1")} | " +
                $"{F(Med(g, x => x.P99Ms), g.Max(x => x.P99Ms), "F1")} | {F(Med(g, x => x.MaxMs), g.Max(x => x.MaxMs), "F1")} | " +
                $"{g.Sum(x => x.Delivered):N0} / {g.Sum(x => x.Expected):N0} | {g.Sum(x => x.Lost)} | {g.Sum(x => x.SocketsClosed)} |");
        }
        s.AppendLine().AppendLine("Each repeat (in the order run; load average = the machine's 1-minute load when the writes started):").AppendLine();
        s.AppendLine("| repeat | variant | load avg | gateway RSS MiB | idle cores | server µs/delivery | p99 ms | max ms | delivered / expected |");
        s.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var x in r.Multiplex)
        {
            s.AppendLine($"| {x.Repeat} | {x.Variant} | {x.LoadAverage:F1} | {x.RssConnectedBytes / 1048576} | {x.IdleServerCores:F3} | {x.ServerCpuMicrosPerDelivery:F1} | {x.P99Ms:F1} | {x.MaxMs:F1} | {x.Delivered:N0} / {x.Expected:N0} |");
        }
        var mux = r.Multiplex.Where(x => x.Variant == MultiplexScenario.Multiplexed).ToList();
        var topic = r.Multiplex.Where(x => x.Variant == MultiplexScenario.PerTopic).ToList();
        if (mux.Count > 0 && topic.Count > 0)
        {
            string Ratio(Func<MultiplexResult, double> f) => (Med(topic, f) / Med(mux, f)).ToString("F2", CultureInfo.InvariantCulture);
            s.AppendLine().AppendLine($"Ratios per-topic / multiplexed (medians; above 1 means multiplexing is cheaper): sockets **{Ratio(x => x.Sockets)}**, " +
                $"gateway RSS **{Ratio(x => x.RssConnectedBytes)}**, net RSS per person **{Ratio(x => x.NetRssKiBPerPerson)}**, idle server CPU **{Ratio(x => x.IdleServerCores)}**, " +
                $"server CPU per delivery **{Ratio(x => x.ServerCpuMicrosPerDelivery)}**, p99 **{Ratio(x => x.P99Ms)}**.");
        }
        s.AppendLine();
    }

    private static double Med<T>(IEnumerable<T> items, Func<T, double> f)
    {
        var v = items.Select(f).Where(x => !double.IsNaN(x)).Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string Ratio(List<PhaseResult> a, List<PhaseResult> b, Func<PhaseResult, double> f) =>
        a.Count == 0 || b.Count == 0 ? "n/a" : (Med(a, f) / Med(b, f)).ToString("F2", CultureInfo.InvariantCulture);

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1048576.0;
    }
}
