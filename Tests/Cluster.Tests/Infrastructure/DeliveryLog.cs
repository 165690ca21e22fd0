using System.Collections.Concurrent;
using System.Diagnostics;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>When each presence write was sent and when subscribers saw it as a live frame: write-to-frame latency.</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentDictionary<string, long> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<(long At, double Ms)> _latencies = [];

    public void Sending(string statusMessage) => _sent.TryAdd(statusMessage, Stopwatch.GetTimestamp());

    public void Delivered(string? statusMessage)
    {
        if (statusMessage is not null && _sent.TryGetValue(statusMessage, out var sent))
        {
            var now = Stopwatch.GetTimestamp();
            _latencies.Add((now, Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds));
        }
    }

    /// <summary>Latency samples (ms) of frames delivered after <paramref name="since"/> (a Stopwatch timestamp), or all.</summary>
    public double[] Latencies(long since = 0, long until = long.MaxValue) =>
        _latencies.Where(l => l.At >= since && l.At < until).Select(l => l.Ms).Order().ToArray();

    public static string Summary(double[] sorted) => sorted.Length == 0
        ? "no samples"
        : $"n={sorted.Length} p50={Pct(sorted, 0.50):F0}ms p95={Pct(sorted, 0.95):F0}ms max={sorted[^1]:F0}ms";

    private static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
