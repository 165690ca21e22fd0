using System.Diagnostics;
using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Systems;

/// <summary>The bare Kestrel broadcast server (bench/Peer), started as its own process with the gateway's GC mode.</summary>
public sealed class KestrelPeerSystem(BenchEnvironment env) : PubSubPeerSystem
{
    private ServerProcess? _server;

    public const string SystemName = "kestrel-peer";

    public override string Name => SystemName;

    /// <summary>
    /// Whether a system keeps the order of overlapping publishes. The bare Kestrel peer does not: it handles POSTs in
    /// parallel and has no seq of its own, so its out-of-order frames are a property of the peer (reported), not a
    /// bench error; the gateway and Nchan must keep order.
    /// </summary>
    public static bool KeepsOrder(string system) => system != SystemName;
    public override int[] ServerPids => _server is null ? [] : [_server.Pid];
    public override int[] SocketPids => ServerPids;

    public override async Task StartAsync()
    {
        Port = ServerProcess.FreePort();
        // Server GC, as ASP.NET Core apps (and so the gateway) run by default.
        _server = ServerProcess.Start(Name, "dotnet", [env.BenchDll, "peer", "--port", Port.ToString()], env.LogDirectory,
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" });
        await _server.WaitHealthyAsync(Http, $"http://127.0.0.1:{Port}/health", TimeSpan.FromSeconds(60));
    }

    /// <summary>The no-work endpoint: the ceiling for REST writes on this machine.</summary>
    public async Task<WriteResult> NoopWriteAsync(int user, byte status)
    {
        var body = System.Net.Http.Json.JsonContent.Create(new { status = FrameHeader.Statuses[status] });
        var sent = Stopwatch.GetTimestamp();
        using var response = await Http.PutAsync($"http://127.0.0.1:{Port}/noop/u{user}/presence", body);
        await response.Content.LoadIntoBufferAsync();
        return new WriteResult(sent, Stopwatch.GetTimestamp(), response.IsSuccessStatusCode);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        await base.DisposeAsync();
    }
}
