using System.Globalization;
using System.Text;
using FreedomCti.Bench.Scenarios;

namespace FreedomCti.Bench.Report;

/// <summary>The sessions scenario's table: each repeat per second as measured, the worst repeat, and scaled to 50,000 sessions.</summary>
public static class SessionsReport
{
    public static void Render(StringBuilder s, IReadOnlyList<SessionsResult> runs)
    {
        var x = runs[0];
        s.AppendLine($"#### Cost of holding presence sessions: {x.InBand:N0} in-band (kept by the gateway's lease) + {x.Rest:N0} REST (heartbeat every {x.LeaseSeconds / 3.0:0.#} s); " +
            $"lease {x.LeaseSeconds} s, sweep {x.SweepSeconds:0.#} s, window {x.WindowSeconds:F0} s, {runs.Count} repeat(s)").AppendLine();
        s.AppendLine("| per second | " + string.Join(" | ", runs.Select(r => $"repeat {r.Repeat} (load {r.LoadAverage:F1})")) + " | worst | worst at 50,000 sessions, lease and sweep 60 s |");
        s.AppendLine("|---|" + string.Concat(runs.Select(_ => "---:|")) + "---:|---:|");
        void Row(string name, Func<SessionsResult, double> f, Func<SessionsResult, double>? period, string format = "F1", string scaledFormat = "N0")
        {
            var worst = runs.MaxBy(f)!;
            var scaled = period is null ? "—" : worst.At50k(f(worst), period(worst)).ToString(scaledFormat, CultureInfo.InvariantCulture);
            s.AppendLine($"| {name} | " + string.Join(" | ", runs.Select(r => f(r).ToString(format, CultureInfo.InvariantCulture))) +
                $" | {f(worst).ToString(format, CultureInfo.InvariantCulture)} | {scaled} |");
        }
        Row("gateway per-session grain calls for in-band sessions", r => r.GatewayRenewalCallsPerSecond, r => r.LeaseSeconds);
        // One lease per gateway and one cache per silo: these do not grow with sessions, so they are not scaled.
        Row("gateway lease renewals", r => r.GatewayLeaseRenewalsPerSecond, null, "F2");
        Row("holder checks that called a lease grain", r => r.HolderChecksCalledPerSecond, null, "F2");
        Row("holder checks answered from the silo's cache", r => r.HolderChecksCachedPerSecond, r => r.LeaseSeconds);
        Row("REST heartbeats sent", r => r.RestHeartbeatsPerSecond, r => r.LeaseSeconds);
        Row("renewals the user grains received (both kinds)", r => r.GrainRenewalsPerSecond, r => r.LeaseSeconds);
        Row("storage writes", r => r.StorageWritesPerSecond, r => r.LeaseSeconds, "F2");
        Row("storage bytes written", r => r.StorageBytesWrittenPerSecond, r => r.LeaseSeconds, "F0");
        Row("storage reads", r => r.StorageReadsPerSecond, r => r.LeaseSeconds, "F2");
        Row("session reminder ticks", r => r.ReminderTicksPerSecond, r => r.SweepSeconds);
        Row("session deadline timers fired", r => r.DeadlineTimersPerSecond, r => r.LeaseSeconds, "F2");
        // CPU is scaled by sessions only, and only when lease and sweep are as shipped (a shortened one runs them faster).
        var shipped = runs.All(r => r.LeaseSeconds == 60 && r.SweepSeconds == 60);
        Row("gateway process CPU (cores)", r => r.GatewayCores, shipped ? _ => 60 : null, "F3", "F1");
        s.AppendLine().AppendLine($"Held: {runs.Sum(r => r.SocketsClosed)} sockets closed, {runs.Sum(r => r.HeartbeatsExpired)} heartbeats answered 404, " +
            $"{runs.Sum(r => r.SessionsLost)} users without their session at the end, {runs.Sum(r => r.FramesDuringWindow)} frames to agents during the windows.").AppendLine();
    }
}
