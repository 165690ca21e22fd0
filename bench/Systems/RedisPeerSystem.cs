using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FreedomCti.Bench.Load;
using StackExchange.Redis;

namespace FreedomCti.Bench.Systems;

/// <summary>
/// The Redis peer (bench/Peer/RedisPresencePeer.cs) with Debian's redis-server (bench/install-peers.sh), each its own
/// process; both are counted for CPU. Redis runs without snapshots or an append-only file, as the gateway's bench
/// silo keeps grain state in memory: "stored" means in the store both serve reads from.
/// </summary>
public sealed class RedisPeerSystem(BenchEnvironment env) : ISystemUnderTest
{
    public const string RedisServer = "/usr/bin/redis-server";

    private readonly HttpClient _http = BenchEnvironment.NewHttpClient();
    private ServerProcess? _redis;
    private ServerProcess? _peer;
    private int _port;
    private int _redisPort;
    private string _orgId = "";
    private string _token = "";

    public static bool IsInstalled => File.Exists(RedisServer);

    public string Name => "redis-peer";
    public int[] ServerPids => [.. new[] { _redis, _peer }.OfType<ServerProcess>().Select(p => p.Pid)];
    public int[] SocketPids => _peer is null ? [] : [_peer.Pid];

    public async Task StartAsync()
    {
        if (!IsInstalled) throw new InvalidOperationException("redis-server is not installed: run bench/install-peers.sh");
        _redisPort = ServerProcess.FreePort();
        _redis = ServerProcess.Start("redis", RedisServer,
            ["--port", _redisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"],
            env.LogDirectory);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_redisPort},connectTimeout=1000");
                await probe.GetDatabase().PingAsync();
                break;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !_redis.HasExited)
            {
                await Task.Delay(200);
            }
        }
        _port = ServerProcess.FreePort();
        // Server GC, as the gateway and the Kestrel peer run.
        _peer = ServerProcess.Start(Name, "dotnet",
            [env.BenchDll, "redis-peer", "--port", _port.ToString(), "--redis", _redisPort.ToString(), "--signing-key", env.Tokens.SigningKey],
            env.LogDirectory, new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" });
        await _peer.WaitHealthyAsync(_http, $"http://127.0.0.1:{_port}/health", TimeSpan.FromSeconds(60));
    }

    /// <summary>Users (everyone offline), each user's set of groups and each group's member hash, straight into Redis.</summary>
    public async Task ProvisionAsync(TenantPlan plan)
    {
        _orgId = plan.OrgId;
        _token = env.Tokens.Mint(plan.OrgId);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_redisPort}");
        var db = redis.GetDatabase();
        var pending = new List<Task>();
        for (var u = 0; u < plan.Users; u++)
        {
            pending.Add(db.HashSetAsync($"u:{_orgId}:u{u}", [new("status", "offline"), new("name", $"User {u}"), new("extension", $"{10000 + u}")]));
        }
        foreach (var (groupId, members) in plan.Groups)
        {
            foreach (var m in members)
            {
                pending.Add(db.SetAddAsync($"u:{_orgId}:u{m}:groups", groupId));
                pending.Add(db.HashSetAsync($"g:{_orgId}:{groupId}:members", $"u{m}", "offline"));
            }
            pending.Add(db.HashSetAsync($"g:{_orgId}:{groupId}:summary", [new("offline", members.Length), new("seq", 0)]));
        }
        await Task.WhenAll(pending);
    }

    public SubscriberProcessSpec Subscriber(string groupId, int index, int count, int firstId, bool stall, int capacity) =>
        new($"ws://127.0.0.1:{_port}/ws/organisation/{_orgId}/user-group/{groupId}?access_token={_token}", null,
            WaitForSnapshot: true, count, firstId, AddressOffset: firstId, stall, capacity);

    public async Task<WriteResult> WriteAsync(string groupId, int user, byte status)
    {
        var body = JsonContent.Create(new { status = FrameHeader.Statuses[status] });
        var sent = Stopwatch.GetTimestamp();
        using var response = await _http.PutAsync($"http://127.0.0.1:{_port}/organisation/{_orgId}/user/u{user}/presence", body);
        await response.Content.LoadIntoBufferAsync();
        return new WriteResult(sent, Stopwatch.GetTimestamp(), response.IsSuccessStatusCode);
    }

    /// <summary>Each member's status as the group hash holds it (what a reader of the group would be served).</summary>
    public async Task<Dictionary<string, string>> GroupStatusesAsync(string groupId)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{_port}/organisation/{_orgId}/user-group/{groupId}"));
        return doc.RootElement.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("userId").GetString()!, m => m.GetProperty("status").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        if (_peer is not null) await _peer.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        _http.Dispose();
    }
}
