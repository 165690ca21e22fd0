using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FreedomCti.Bench.Systems;

namespace FreedomCti.Bench.Scenarios;

/// <summary>
/// Agents that keep their presence session over REST (docs/presence-sessions.md): each opens one session, then sends an
/// empty heartbeat every third of the lease, as the document tells clients to. The first heartbeats are spread evenly
/// over one period, as agents who logged in at different times would send them. A heartbeat answered 404 means the lease
/// ran out while this client was alive: counted (the scenario reports it as a problem) and the session opened again.
/// </summary>
public sealed class RestSessionHolders : IAsyncDisposable
{
    private readonly HttpClient _http = BenchEnvironment.NewHttpClient();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _baseUrl;
    private readonly string[] _sessionIds;
    private readonly int _firstUser;
    private readonly List<Task> _loops = [];
    private long _sent;
    private long _expired;
    private long _failed;

    private RestSessionHolders(string baseUrl, string token, int firstUser, int count)
    {
        _baseUrl = baseUrl;
        _firstUser = firstUser;
        _sessionIds = new string[count];
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public long HeartbeatsSent => Interlocked.Read(ref _sent);
    public long HeartbeatsExpired => Interlocked.Read(ref _expired);
    public long HeartbeatsFailed => Interlocked.Read(ref _failed);
    public int Count => _sessionIds.Length;
    public string SessionIdOf(int user) => _sessionIds[user - _firstUser];

    /// <summary>Opens a session for users <paramref name="firstUser"/>.. (32 at a time) and starts their heartbeats.</summary>
    public static async Task<RestSessionHolders> StartAsync(GatewaySystem gateway, string token, int firstUser, int count, TimeSpan period)
    {
        var holders = new RestSessionHolders(gateway.RestBaseUrl(), token, firstUser, count);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            holders._sessionIds[i] = await holders.OpenAsync(firstUser + i));
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var offset = period * i / count;
            var index = i;
            holders._loops.Add(Task.Run(() => holders.HeartbeatLoopAsync(index, start, offset, period)));
        }
        return holders;
    }

    private async Task<string> OpenAsync(int user)
    {
        using var response = await _http.PostAsJsonAsync($"{_baseUrl}/user/u{user}/sessions", new { device = "rest-bench", status = "available" });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Opening a REST session for u{user} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("session").GetProperty("sessionId").GetString()!;
    }

    private async Task HeartbeatLoopAsync(int index, long start, TimeSpan offset, TimeSpan period)
    {
        var user = _firstUser + index;
        // A client's own timer: heartbeat k is due at offset + k periods, whatever the answers took.
        for (var k = 0; !_stop.IsCancellationRequested; k++)
        {
            var due = offset + period * k - Stopwatch.GetElapsedTime(start);
            try
            {
                if (due > TimeSpan.Zero) await Task.Delay(due, _stop.Token);
                Interlocked.Increment(ref _sent);
                using var response = await _http.PostAsync($"{_baseUrl}/user/u{user}/sessions/{_sessionIds[index]}/heartbeat",
                    JsonContent.Create(new { }), _stop.Token);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    Interlocked.Increment(ref _expired);
                    _sessionIds[index] = await OpenAsync(user);
                }
                else if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _failed); // the next heartbeat retries; the lease is three heartbeats long
            }
        }
    }

    /// <summary>Stops sending heartbeats (the sessions stay open until their lease runs out).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _http.Dispose();
        _stop.Dispose();
    }
}
