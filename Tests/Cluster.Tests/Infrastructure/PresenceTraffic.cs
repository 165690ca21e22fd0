using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// Steady presence writes through the REST API, bounded in count and time. Each writer owns a disjoint set of users
/// and retries a write (same value, next gateway) until a gateway acknowledges it with 200, so the last acknowledged
/// value of every user is what the grid must hold at the end.
/// </summary>
/// <param name="pace">Pause after each acknowledged write (60 ms by default).</param>
/// <param name="roundRobin">Each writer writes its users in turn, so every user changes at a steady rate (else at random).</param>
public sealed class PresenceTraffic(GridApi api, string[] users, int writers, DeliveryLog deliveries, TimeSpan? pace = null, bool roundRobin = false)
{
    private static readonly string[] Statuses = ["available", "busy", "away", "dnd", "offline"];
    private static readonly TimeSpan WriteGiveUp = TimeSpan.FromSeconds(45);
    private readonly TimeSpan _pace = pace ?? TimeSpan.FromMilliseconds(60);

    private readonly ConcurrentDictionary<string, (string Status, string Message, long AckedAt)> _acked = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<(long Started, long Acked)> _writes = [];
    private readonly ConcurrentBag<(string User, string Message, long AckedAt)> _ackLog = [];
    private CancellationTokenSource? _stop;
    private Task? _running;
    private int _failedAttempts;
    private int _gaveUp;

    public IReadOnlyDictionary<string, (string Status, string Message, long AckedAt)> LastAcked => _acked;
    public int Acked => _writes.Count;
    public IEnumerable<(string User, string Message, long AckedAt)> AckLog => _ackLog;
    public int FailedAttempts => _failedAttempts;
    public int GaveUp => _gaveUp;

    public void Start(TimeSpan maxDuration)
    {
        _stop = new CancellationTokenSource(maxDuration);
        _running = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w, _stop.Token))));
    }

    public async Task StopAsync()
    {
        _stop!.Cancel();
        await _running!.WaitAsync(WriteGiveUp + TimeSpan.FromSeconds(20));
    }

    /// <summary>Acks completed after a point (Stopwatch timestamp).</summary>
    public int AckedSince(long since) => _writes.Count(w => w.Acked >= since);

    /// <summary>The longest a single write took from its first attempt to its ack, for writes started after <paramref name="since"/>.</summary>
    public TimeSpan LongestWrite(long since = 0) =>
        _writes.Where(w => w.Started >= since).Select(w => Stopwatch.GetElapsedTime(w.Started, w.Acked)).DefaultIfEmpty().Max();

    /// <summary>The first write acknowledged after <paramref name="since"/> that was also started after it.</summary>
    public TimeSpan? FirstFreshAckAfter(long since) =>
        _writes.Where(w => w.Started >= since).Select(w => (TimeSpan?)Stopwatch.GetElapsedTime(since, w.Acked)).Min();

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        var mine = users.Where((_, i) => i % writers == writer).ToArray();
        var random = new Random(writer * 7919 + 17);
        var gateway = writer % api.Gateways.Count;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var user = roundRobin ? mine[n % mine.Length] : mine[random.Next(mine.Length)];
            var previous = _acked.TryGetValue(user, out var last) ? last.Status : "offline";
            var status = Statuses.Where(s => s != previous).ElementAt(random.Next(Statuses.Length - 1));
            var message = $"{user}-w{writer}-{n}";
            deliveries.Sending(message);
            var started = Stopwatch.GetTimestamp();
            // Once started, a write is finished (or given up) even if traffic is stopping: the last attempt must be acked.
            while (true)
            {
                var (code, _) = api.Gateways[gateway].IsRunning
                    ? await api.SendAsync(gateway, HttpMethod.Put, $"{api.UserPath(user)}/presence", new { status, statusMessage = message },
                        idempotencyKey: message) // as a PBX connector should: its retries are applied once
                    : (null, null);
                if (code == HttpStatusCode.OK)
                {
                    var acked = Stopwatch.GetTimestamp();
                    _acked[user] = (status, message, acked);
                    _writes.Add((started, acked));
                    _ackLog.Add((user, message, acked));
                    break;
                }
                Interlocked.Increment(ref _failedAttempts);
                if (Stopwatch.GetElapsedTime(started) > WriteGiveUp)
                {
                    Interlocked.Increment(ref _gaveUp);
                    return;
                }
                if (code is null) gateway = (gateway + 1) % api.Gateways.Count; // that gateway is gone: use another
                await Task.Delay(100, CancellationToken.None);
            }
            await Task.Delay(_pace, CancellationToken.None);
        }
    }
}
