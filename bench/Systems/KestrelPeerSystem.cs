using System.Diagnostics;
using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Systems;

/// <summary>The bare Kestrel broadcast server (bench/Peer), started as its own process with the gateway's GC mode.</summary>
public sealed class KestrelPeerSystem(BenchEnvironment env) : ISystemUnderTest
{
    private readonly HttpClient _http = BenchEnvironment.NewHttpClient();
    private readonly PeerFrames _frames = new();
    private ServerProcess? _server;
    private int _port;

    public string Name => "kestrel-peer";
    public int[] ServerPids => _server is null ? [] : [_server.Pid];
    public int[] SocketPids => ServerPids;

    public async Task StartAsync()
    {
        _port = ServerProcess.FreePort();
        // Server GC, as ASP.NET Core apps (and so the gateway) run by default.
        _server = ServerProcess.Start(Name, "dotnet", [env.BenchDll, "peer", "--port", _port.ToString()], env.LogDirectory,
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" });
        await _server.WaitHealthyAsync(_http, $"http://127.0.0.1:{_port}/health", TimeSpan.FromSeconds(60));
    }

    public Task ProvisionAsync(TenantPlan plan) => Task.CompletedTask;

    public SubscriberProcessSpec Subscriber(string groupId, int index, int count, int firstId, bool stall, int capacity) =>
        new($"ws://127.0.0.1:{_port}/sub/{groupId}", null, WaitForSnapshot: false, count, firstId, firstId, stall, capacity);

    public async Task<WriteResult> WriteAsync(string groupId, int user, byte status)
    {
        var (frame, seq) = _frames.Next(groupId, user, status);
        var sent = Stopwatch.GetTimestamp();
        using var response = await _http.PostAsync($"http://127.0.0.1:{_port}/pub/{groupId}", new ByteArrayContent(frame));
        await response.Content.LoadIntoBufferAsync();
        return new WriteResult(sent, Stopwatch.GetTimestamp(), response.IsSuccessStatusCode, seq);
    }

    /// <summary>The no-work endpoint: the ceiling for REST writes on this machine.</summary>
    public async Task<WriteResult> NoopWriteAsync(int user, byte status)
    {
        var body = System.Net.Http.Json.JsonContent.Create(new { status = FrameHeader.Statuses[status] });
        var sent = Stopwatch.GetTimestamp();
        using var response = await _http.PutAsync($"http://127.0.0.1:{_port}/noop/u{user}/presence", body);
        await response.Content.LoadIntoBufferAsync();
        return new WriteResult(sent, Stopwatch.GetTimestamp(), response.IsSuccessStatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _http.Dispose();
    }
}
