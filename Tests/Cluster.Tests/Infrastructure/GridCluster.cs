namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// One presence grid of real processes for one test: silos (grain hosts) and gateways (Orleans clients), all on
/// the shared Azurite under a fresh cluster id. Membership timings are shortened so a kill is noticed in seconds.
/// </summary>
public sealed class GridCluster(Azurite storage, ITestOutputHelper output) : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly string _clusterId = $"t{Guid.NewGuid():N}"[..20];

    public TestTokens Tokens { get; } = new();

    /// <summary>The cluster id: the membership table's partition for this grid.</summary>
    public string ClusterId => _clusterId;

    public string StorageConnectionString => storage.ConnectionString;
    public List<GridNode> Silos { get; } = [];
    public List<GridNode> Gateways { get; } = [];

    /// <summary>Settings added to every silo and gateway of this grid (set before starting it).</summary>
    public List<string> ExtraArgs { get; } = [];

    /// <summary>Test-sized membership timings; docs/operations.md lists the production values.</summary>
    private string[] ClusterArgs =>
    [
        "--Cluster:Clustering=AzureStorage",
        "--Cluster:Storage=AzureStorage",
        $"--Cluster:ClusterId={_clusterId}",
        $"--Cluster:ServiceId=presence-{_clusterId}",
        "--Cluster:Membership:ProbeTimeout=00:00:01",
        "--Cluster:Membership:NumMissedProbesLimit=2",
        "--Cluster:Membership:NumVotesForDeathDeclaration=2",
        "--Cluster:Membership:IAmAliveTablePublishTimeout=00:00:05",
        "--Cluster:Membership:TableRefreshTimeout=00:00:02",
        "--Cluster:Membership:DeathVoteExpirationTimeout=00:00:30",
        $"--Logging:LogLevel:Default={LogLevel}",
        $"--Logging:LogLevel:Orleans={LogLevel}",
        $"--Logging:LogLevel:Orleans.Runtime.Silo={LogLevel}", // appsettings.json (now read wherever the app starts) raises it
    ];

    /// <summary>CLUSTER_TESTS_LOG_LEVEL=Information shows the processes' lifecycle in a failing test's output.</summary>
    private static string LogLevel => Environment.GetEnvironmentVariable("CLUSTER_TESTS_LOG_LEVEL") ?? "Warning";

    private Dictionary<string, string> Env => new() { ["Cluster__StorageConnectionString"] = storage.ConnectionString };

    public GridNode AddSilo()
    {
        int siloPort = Ports.Free(), gatewayPort = Ports.Free();
        var node = new GridNode($"silo{Silos.Count + 1}", BuiltApps.SiloDll, Ports.Free(),
        [
            .. ClusterArgs,
            $"--Cluster:SiloPort={siloPort}",
            $"--Cluster:GatewayPort={gatewayPort}",
            "--Cluster:AdvertisedIPAddress=127.0.0.1",
            "--Silo:ShutdownTimeout=00:00:15",
            .. ExtraArgs,
        ], Env, siloPort: siloPort);
        Silos.Add(node);
        return node;
    }

    public GridNode AddGateway()
    {
        var node = new GridNode($"gateway{Gateways.Count + 1}", BuiltApps.GatewayDll, Ports.Free(),
        [
            .. ClusterArgs,
            "--Cluster:Mode=Client",
            "--Cluster:GatewayListRefreshPeriod=00:00:01",
            "--Cluster:ResponseTimeout=00:00:05",
            // Cold grains on Azurite on a loaded 2-core box can take over the production 3 s; as long as the response
            // timeout, writes fail here no sooner than before the deadline existed. WriteOutcomeTests sets 3 s itself.
            "--Api:WriteTimeout=00:00:05",
            "--Gateway:AuditInterval=00:00:01",
            "--Gateway:TopicLinger=00:00:00.300",
            "--Gateway:DrainDelay=00:00:02",
            "--Gateway:ReconnectJitter=00:00:00.500",
            "--Demo:Seed=false",
            .. Tokens.GatewayArgs,
            .. ExtraArgs,
        ], Env, managementPort: Ports.Free());
        Gateways.Add(node);
        return node;
    }

    /// <summary>Starts silos first (so gateways find them), then gateways; each waits for /health/ready.</summary>
    public async Task StartAsync(int silos, int gateways)
    {
        for (var i = 0; i < silos; i++) AddSilo();
        for (var i = 0; i < gateways; i++) AddGateway();
        await StartAllAsync();
    }

    public async Task StartAllAsync()
    {
        foreach (var silo in Silos) silo.Start();
        await Task.WhenAll(Silos.Select(s => s.WaitReadyAsync(StartTimeout)));
        foreach (var gateway in Gateways) gateway.Start();
        await Task.WhenAll(Gateways.Select(g => g.WaitReadyAsync(StartTimeout)));
    }

    public async Task StopAllAsync()
    {
        await Task.WhenAll(Gateways.Select(g => g.StopAsync(TimeSpan.FromSeconds(30))));
        await Task.WhenAll(Silos.Select(s => s.StopAsync(TimeSpan.FromSeconds(30))));
    }

    public GridApi Api(string orgId) => new(Gateways, Tokens.Mint(orgId, "cluster-test", "system", "admin"), orgId);

    /// <summary>The last lines each process printed, for a failing test's output.</summary>
    public void DumpLogs()
    {
        foreach (var node in Silos.Concat(Gateways))
        {
            if (node.Process is { } process) output.WriteLine(process.Tail());
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Gateways.Concat(Silos)) await node.DisposeAsync();
    }
}
