using System.Diagnostics;
using FreedomCti.Bench.Load;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>The figures of one measured phase (one system, one load, one repeat).</summary>
public sealed record PhaseResult
{
    public required string System { get; init; }
    public required string Phase { get; init; }
    public int Subscribers { get; init; }
    public int Writes { get; init; }
    public int WritesFailed { get; init; }
    public long Expected { get; init; }
    public long Delivered { get; init; }
    public long Lost { get; init; }
    public long Duplicated { get; init; }
    public long OutOfOrder { get; init; }
    public long WrongStatus { get; init; }
    public double DeliveriesPerSecond { get; init; }
    public double P50Ms { get; init; }
    public double P90Ms { get; init; }
    public double P99Ms { get; init; }
    public double MaxMs { get; init; }
    public double WriteP50Ms { get; init; }
    public double WriteP99Ms { get; init; }
    public double ServerCpuMicrosPerDelivery { get; init; }
    public double LoadCpuMicrosPerDelivery { get; init; }
    public double ServerCpuCores { get; init; }
    public double AverageFrameBytes { get; init; }
}

/// <summary>
/// Turns the writes a phase sent and the frames its subscribers logged into <see cref="PhaseResult"/>. Matching is
/// exact: a peer's frame carries the seq the bench gave its write; for the gateway (which assigns the group seq itself),
/// per member the k-th frame a socket gets about that member answers the k-th write to that member (writes to one
/// member are never in flight together, and the group seq preserves per-member order). Seq gives losses (gaps),
/// duplicates (repeats) and reordering (a seq below one already seen).
/// </summary>
public static class PhaseAnalysis
{
    public sealed record Write(int User, byte Status, WriteResult Result);

    public static PhaseResult Analyse(string system, string phase, int subscribers, IReadOnlyList<Write> writes,
        Arrival[] arrivals, long windowStart, long serverCpuMicros, long loadCpuMicros)
    {
        var byUser = new Dictionary<int, List<Write>>();
        foreach (var w in writes.Where(w => w.Result.Ok))
        {
            if (!byUser.TryGetValue(w.User, out var list)) byUser[w.User] = list = [];
            list.Add(w);
        }
        var okWrites = writes.Count(w => w.Result.Ok);
        var bySeq = writes.Where(w => w.Result.Ok && w.Result.Seq >= 0).ToDictionary(w => w.Result.Seq);
        var updates = arrivals.Where(a => a.Kind == FrameKind.MemberUpdate && a.Ticks >= windowStart).ToArray();
        Array.Sort(updates, (a, b) => a.Socket != b.Socket ? a.Socket.CompareTo(b.Socket) : a.Ticks.CompareTo(b.Ticks));

        var latencies = new List<long>(updates.Length);
        long delivered = 0, duplicated = 0, outOfOrder = 0, wrongStatus = 0, bytes = 0, lastArrival = 0;
        var ordinals = new Dictionary<int, int>();
        var seqs = new HashSet<long>();
        for (var i = 0; i < updates.Length;)
        {
            var socket = updates[i].Socket;
            ordinals.Clear();
            seqs.Clear();
            long maxSeq = long.MinValue;
            for (; i < updates.Length && updates[i].Socket == socket; i++)
            {
                var a = updates[i];
                if (!seqs.Add(a.Seq)) { duplicated++; continue; }
                if (a.Seq < maxSeq) outOfOrder++;
                maxSeq = Math.Max(maxSeq, a.Seq);
                Write write;
                if (bySeq.Count > 0)
                {
                    if (!bySeq.TryGetValue(a.Seq, out write!)) { duplicated++; continue; }
                }
                else
                {
                    var ordinal = ordinals.GetValueOrDefault(a.User);
                    ordinals[a.User] = ordinal + 1;
                    if (!byUser.TryGetValue(a.User, out var userWrites) || ordinal >= userWrites.Count) { duplicated++; continue; }
                    write = userWrites[ordinal];
                }
                if (write.Status != a.Status) wrongStatus++;
                delivered++;
                bytes += a.Bytes;
                lastArrival = Math.Max(lastArrival, a.Ticks);
                latencies.Add(a.Ticks - write.Result.SentTicks);
            }
        }
        latencies.Sort();
        var firstSent = writes.Count > 0 ? writes.Min(w => w.Result.SentTicks) : 0;
        var seconds = lastArrival > firstSent ? (lastArrival - firstSent) / (double)Stopwatch.Frequency : double.NaN;
        var writeLatencies = writes.Where(w => w.Result.Ok).Select(w => w.Result.AnsweredTicks - w.Result.SentTicks).Order().ToList();
        var expected = (long)okWrites * subscribers;
        return new PhaseResult
        {
            System = system,
            Phase = phase,
            Subscribers = subscribers,
            Writes = writes.Count,
            WritesFailed = writes.Count - okWrites,
            Expected = expected,
            Delivered = delivered,
            Lost = Math.Max(0, expected - delivered),
            Duplicated = duplicated,
            OutOfOrder = outOfOrder,
            WrongStatus = wrongStatus,
            DeliveriesPerSecond = delivered / seconds,
            P50Ms = Ms(Percentile(latencies, 0.50)),
            P90Ms = Ms(Percentile(latencies, 0.90)),
            P99Ms = Ms(Percentile(latencies, 0.99)),
            MaxMs = Ms(latencies.Count == 0 ? 0 : latencies[^1]),
            WriteP50Ms = Ms(Percentile(writeLatencies, 0.50)),
            WriteP99Ms = Ms(Percentile(writeLatencies, 0.99)),
            ServerCpuMicrosPerDelivery = delivered == 0 ? double.NaN : serverCpuMicros / (double)delivered,
            LoadCpuMicrosPerDelivery = delivered == 0 ? double.NaN : loadCpuMicros / (double)delivered,
            ServerCpuCores = serverCpuMicros / 1e6 / seconds,
            AverageFrameBytes = delivered == 0 ? 0 : bytes / (double)delivered,
        };
    }

    public static long Percentile(List<long> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
