using System.Net;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>One silo or gateway slot: fixed ports and arguments, so a restart comes back as the same node (a new silo generation).</summary>
/// <param name="managementPort">
/// A gateway's Management:Urls port (health and metrics). Null for a silo: its only HTTP address serves those.
/// </param>
/// <param name="siloPort">A silo's silo-to-silo port: the port in its membership row. Null for a gateway.</param>
public sealed class GridNode(string name, string dll, int httpPort, IReadOnlyList<string> args, IDictionary<string, string> env,
    int? managementPort = null, int? siloPort = null) : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    public string Name { get; } = name;
    public int HttpPort { get; } = httpPort;
    public int? SiloPort { get; } = siloPort;
    public Uri Http => new($"http://127.0.0.1:{HttpPort}");
    public Uri WebSocket => new($"ws://127.0.0.1:{HttpPort}");

    /// <summary>Where health and metrics are served.</summary>
    public Uri Management => managementPort is { } port ? new($"http://127.0.0.1:{port}") : Http;
    public ChildProcess? Process { get; private set; }
    public bool IsRunning => Process is { HasExited: false };

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} is already running.");
        string[] management = managementPort is { } port ? [$"--Management:Urls=http://127.0.0.1:{port}"] : [];
        Process = ChildProcess.Start(Name, "dotnet", [dll, "--urls", Http.ToString(), .. management, .. args], env);
    }

    public async Task<HttpStatusCode?> HealthAsync(string probe)
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri(Management, $"/health/{probe}"));
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public Task WaitReadyAsync(TimeSpan timeout) =>
        Poll.UntilAsync(async () =>
        {
            if (Process is { HasExited: true }) throw new InvalidOperationException($"{Name} exited while starting.\n{Process.Tail()}");
            return await HealthAsync("ready") == HttpStatusCode.OK;
        }, timeout, () => $"{Name} to be ready\n{Process?.Tail()}", intervalMs: 100);

    /// <summary>kill -9.</summary>
    public async Task KillAsync()
    {
        Process!.Kill();
        await Process.WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM, then wait for the graceful shutdown to finish.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!IsRunning) return;
        Process!.Terminate();
        if (!await Process.WaitForExitAsync(timeout)) throw new TimeoutException($"{Name} did not stop within {timeout}.\n{Process.Tail()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null) await Process.DisposeAsync();
    }
}
