using System.Globalization;
using System.Text;
using FreedomCti.Bench.Scenarios;

namespace FreedomCti.Bench.Report;

/// <summary>The idle-memory and subscription-memory sections of a run: medians, worst repeat, ratios against the peers.</summary>
public static class MemoryReport
{
    private static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);

    public static void IdleMemory(StringBuilder s, IReadOnlyList<MemoryResult> results)
    {
        foreach (var size in results.Select(m => m.Subscribers + m.Failed).Distinct())
        {
            var rows = results.Where(m => m.Subscribers + m.Failed == size).ToList();
            s.AppendLine($"#### Idle memory: {size:N0} subscribed sockets, fresh process per repeat").AppendLine();
            s.AppendLine($"RSS per socket = (RSS {IdleMemoryScenario.Settle.TotalSeconds:F0} s after the last socket connected − RSS before) / sockets; " +
                $"settled: {IdleMemoryScenario.IdleWindow.TotalSeconds:F0} s later. Medians of the repeats, worst (highest) in brackets; ratio = median / the peer's median.").AppendLine();
            var peers = rows.Select(m => m.System).Distinct().Where(n => !n.StartsWith("gateway", StringComparison.Ordinal)).ToList();
            s.AppendLine($"| system | repeats | KiB/socket | settled KiB/socket | idle cores | {string.Join(" | ", peers.Select(p => $"/ {p}"))} | load avg |");
            s.AppendLine($"|---|---:|---:|---:|---:|{string.Concat(peers.Select(_ => "---:|"))}---|");
            foreach (var g in rows.GroupBy(m => m.System))
            {
                var ratios = peers.Select(p => F(Med(g, m => m.KiBPerSubscriber) / Med(rows.Where(m => m.System == p), m => m.KiBPerSubscriber), "F2"));
                s.AppendLine($"| {g.Key} | {g.Count()} | {F(Med(g, m => m.KiBPerSubscriber))} ({F(g.Max(m => m.KiBPerSubscriber))}) | " +
                    $"{F(Med(g, m => m.SettledKiBPerSubscriber))} ({F(g.Max(m => m.SettledKiBPerSubscriber))}) | {F(Med(g, m => m.IdleServerCores), "F3")} | " +
                    $"{string.Join(" | ", ratios)} | {F(g.Min(m => m.LoadAverage))}–{F(g.Max(m => m.LoadAverage))} |");
            }
            s.AppendLine();
        }
    }

    public static void SubscriptionMemory(StringBuilder s, IReadOnlyList<SubscriptionMemoryResult> results)
    {
        s.AppendLine("#### Subscriptions on a multiplexed socket: M organisation sockets × 1 topic vs × K topics (all K topics watched in both)").AppendLine();
        s.AppendLine("| system | sockets × topics | repeats | RSS before MiB | RSS connected MiB (worst) | settled MiB | load avg |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var g in results.GroupBy(x => (x.System, x.TopicsPerSocket)))
        {
            s.AppendLine($"| {g.Key.System} | {g.First().Sockets:N0} × {g.Key.TopicsPerSocket} | {g.Count()} | {F(Med(g, x => x.RssBaselineBytes / 1048576.0), "F0")} | " +
                $"{F(Med(g, x => x.RssConnectedBytes / 1048576.0), "F0")} ({F(g.Max(x => x.RssConnectedBytes / 1048576.0), "F0")}) | {F(Med(g, x => x.RssSettledBytes / 1048576.0), "F0")} | " +
                $"{F(g.Min(x => x.LoadAverage))}–{F(g.Max(x => x.LoadAverage))} |");
        }
        s.AppendLine();
        foreach (var g in results.GroupBy(x => x.System))
        {
            var one = g.Where(x => x.TopicsPerSocket == 1).ToList();
            var many = g.Where(x => x.TopicsPerSocket > 1).ToList();
            if (one.Count == 0 || many.Count == 0) continue;
            s.AppendLine($"{g.Key}: per subscription beyond the first, ΔRSS / (M·(K−1)) from the medians: **{F(SubscriptionMemoryScenario.BytesPerSubscription(one, many, x => x.RssConnectedBytes) / 1024, "F2")} KiB** " +
                $"(settled {F(SubscriptionMemoryScenario.BytesPerSubscription(one, many, x => x.RssSettledBytes) / 1024, "F2")} KiB).  ");
        }
        s.AppendLine();
    }

    private static double Med<T>(IEnumerable<T> items, Func<T, double> f)
    {
        var v = items.Select(f).Where(x => !double.IsNaN(x)).Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
