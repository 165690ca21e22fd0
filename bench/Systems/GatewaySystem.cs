using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Systems;

/// <summary>
/// The presence gateway as real processes: one gateway co-hosting its silo (the default), or silos plus
/// gateways in Cluster:Mode=Client. Provisioned and driven only through its REST API.
/// </summary>
public sealed class GatewaySystem(BenchEnvironment env, string name, int silos, int gateways) : ISystemUnderTest
{
    private readonly List<ServerProcess> _silos = [];
    private readonly List<ServerProcess> _gateways = [];
    private readonly List<int> _httpPorts = [];
    private readonly List<int> _managementPorts = [];
    private readonly HttpClient _http = BenchEnvironment.NewHttpClient();
    private string _orgId = "";
    private string _token = "";
    private int _nextGateway;

    public static GatewaySystem Embedded(BenchEnvironment env) => new(env, "gateway", silos: 0, gateways: 1);
    public static GatewaySystem Split(BenchEnvironment env, int gateways = 1, int silos = 1) =>
        new(env, gateways == 1 && silos == 1 ? "gateway-split" : $"gateway-{gateways}gw-{silos}silo", silos, gateways);

    /// <summary>
    /// The embedded gateway with extra runtime environment (a GC setting, say), named <c>gateway:NAME</c>, so that
    /// several settings are measured side by side in one run (<c>--gateway-variants</c>).
    /// </summary>
    public static GatewaySystem Variant(BenchEnvironment env, string variant, IReadOnlyDictionary<string, string> environment) =>
        new(env, $"gateway:{variant}", silos: 0, gateways: 1) { ExtraEnvironment = environment };

    /// <summary>Environment for the gateway processes on top of the run's <c>--gateway-env</c>.</summary>
    public IReadOnlyDictionary<string, string> ExtraEnvironment { get; init; } = new Dictionary<string, string>();

    public string Name { get; } = name;

    /// <summary>More configuration for the gateway processes (e.g. --Cluster:SessionSweepPeriod=00:00:06 for a short smoke).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
    public int[] ServerPids => [.. _silos.Select(s => s.Pid), .. _gateways.Select(g => g.Pid)];
    public int[] SocketPids => [.. _gateways.Select(g => g.Pid)];

    private static readonly string[] Quiet = ["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning", "--Demo:Seed=false"];

    // The gateway's abuse limits (docs/security.md) would refuse a load test's thousands of sockets per source address and
    // per user: raised here as an operator would for a known load, so the bench measures fan-out, not the limiter.
    private static readonly string[] LoadTestLimits =
    [
        "--Limits:MaxConnectionsPerGateway=200000", "--Limits:MaxConnectionsPerUser=200000", "--Limits:DefaultMaxConnectionsPerOrg=1000000",
        "--Limits:HandshakesPerSecondPerAddress=100000", "--Limits:HandshakeBurstPerAddress=100000",
    ];

    public async Task StartAsync()
    {
        var clusterId = $"bench-{Guid.NewGuid():N}"[..16];
        var siloGatewayPort = ServerProcess.FreePort();
        int? primarySiloPort = null;
        for (var n = 0; n < silos; n++)
        {
            // Localhost clustering: the first silo is the primary the others join (Cluster:PrimarySiloPort).
            var siloHttp = ServerProcess.FreePort();
            var siloPort = ServerProcess.FreePort();
            string[] join = primarySiloPort is { } primary ? [$"--Cluster:PrimarySiloPort={primary}"] : [];
            var silo = ServerProcess.Start($"{Name}-silo{n}", "dotnet",
                [env.SiloDll, "--urls", $"http://127.0.0.1:{siloHttp}", $"--Cluster:SiloPort={siloPort}",
                 $"--Cluster:GatewayPort={(n == 0 ? siloGatewayPort : ServerProcess.FreePort())}", $"--Cluster:ClusterId={clusterId}", .. join, .. Quiet],
                env.LogDirectory);
            primarySiloPort ??= siloPort;
            _silos.Add(silo);
            await silo.WaitHealthyAsync(_http, $"http://127.0.0.1:{siloHttp}/health/ready", TimeSpan.FromSeconds(90));
        }
        for (var i = 0; i < gateways; i++)
        {
            var port = ServerProcess.FreePort();
            var management = ServerProcess.FreePort(); // health and metrics (Management:Urls)
            string[] cluster = silos > 0
                ? ["--Cluster:Mode=Client", $"--Cluster:GatewayPort={siloGatewayPort}", $"--Cluster:ClusterId={clusterId}"]
                : [$"--Cluster:SiloPort={ServerProcess.FreePort()}", $"--Cluster:GatewayPort={ServerProcess.FreePort()}", $"--Cluster:ClusterId={clusterId}"];
            var gateway = ServerProcess.Start($"{Name}-{i}", "dotnet",
                [env.GatewayDll, "--urls", $"http://127.0.0.1:{port}", $"--Management:Urls=http://127.0.0.1:{management}", .. cluster, .. env.Tokens.GatewayArguments, .. LoadTestLimits, .. Quiet, .. ExtraArguments], env.LogDirectory, GatewayEnvironment());
            _gateways.Add(gateway);
            _httpPorts.Add(port);
            _managementPorts.Add(management);
        }
        for (var i = 0; i < gateways; i++)
        {
            await _gateways[i].WaitHealthyAsync(_http, $"http://127.0.0.1:{_managementPorts[i]}/health/live", TimeSpan.FromSeconds(90));
        }
    }

    private Dictionary<string, string> GatewayEnvironment()
    {
        var merged = new Dictionary<string, string>(env.GatewayEnvironment);
        foreach (var (key, value) in ExtraEnvironment) merged[key] = value;
        return merged;
    }

    public async Task ProvisionAsync(TenantPlan plan)
    {
        _orgId = plan.OrgId;
        _token = env.Tokens.Mint(plan.OrgId);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        var baseUrl = $"http://127.0.0.1:{_httpPorts[0]}/organisation/{plan.OrgId}";
        // Sessions for the multiplex scenario: no debounce (a session's opening shows at once, before measuring) and no
        // idle (an agent left alone for 5 minutes would otherwise turn away during the run); lease and grace as shipped.
        object organisation = plan.Sessions
            ? new { name = "Bench Org", settings = new { sessions = new { enabled = true, leaseSeconds = plan.LeaseSeconds, graceSeconds = 30, idleSeconds = 86400, debounceMs = 0 } } }
            : new { name = "Bench Org" };
        await EnsureOk(await _http.PutAsJsonAsync(baseUrl, organisation));
        var users = Enumerable.Range(0, plan.Users).Select(i => new { userId = $"u{i}", displayName = $"User {i}", extension = $"{10000 + i}" });
        var groups = plan.Groups.Select(g => new { groupId = g.GroupId, groupName = $"Group {g.GroupId}", members = g.Members.Select(m => $"u{m}") });
        await ImportAsync($"{baseUrl}/directory", new { users, groups });
    }

    /// <summary>A large import answers 202 and runs as a job (docs/protocol.md): follow it until it succeeded.</summary>
    private async Task ImportAsync(string url, object directory)
    {
        using var response = await _http.PutAsJsonAsync(url, directory);
        await EnsureOk(response);
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted) return;
        var job = new Uri(new Uri(url), response.Headers.Location!);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var status = JsonDocument.Parse(await _http.GetStringAsync(job));
            var state = status.RootElement.GetProperty("state").GetString();
            if (state == "succeeded") return;
            if (state == "failed" || deadline.Elapsed > TimeSpan.FromMinutes(15))
            {
                throw new InvalidOperationException($"The directory import {job} ended {state}: {status.RootElement}");
            }
            await Task.Delay(500); // the job's own pace; bounded by the deadline above
        }
    }

    public SubscriberProcessSpec Subscriber(string groupId, int index, int count, int firstId, bool stall, int capacity)
    {
        var port = _httpPorts[index % _httpPorts.Count];
        var url = $"ws://127.0.0.1:{port}/organisation/{_orgId}/user-group/{groupId}?access_token={_token}";
        var subscribe = JsonSerializer.Serialize(new { action = "subscribe", orgId = _orgId, groupId });
        return new SubscriberProcessSpec(url, subscribe, WaitForSnapshot: true, count, firstId, AddressOffset: firstId, stall, capacity);
    }

    public async Task<WriteResult> WriteAsync(string groupId, int user, byte status)
    {
        // Writes go round-robin over the gateways, as a load balancer in front of them would spread them.
        var port = _httpPorts[(int)((uint)Interlocked.Increment(ref _nextGateway) % (uint)_httpPorts.Count)];
        var body = JsonContent.Create(new { status = FrameHeader.Statuses[status] });
        var sent = Stopwatch.GetTimestamp();
        using var response = await _http.PutAsync($"http://127.0.0.1:{port}/organisation/{_orgId}/user/u{user}/presence", body);
        await response.Content.LoadIntoBufferAsync();
        return new WriteResult(sent, Stopwatch.GetTimestamp(), response.IsSuccessStatusCode);
    }

    /// <summary>The group document as REST serves it (the truth a supervisor's view must converge on).</summary>
    public async Task<JsonElement> GetGroupAsync(string groupId)
    {
        var text = await _http.GetStringAsync($"http://127.0.0.1:{_httpPorts[0]}/organisation/{_orgId}/user-group/{groupId}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public string SocketUrl(string groupId, int index) =>
        $"ws://127.0.0.1:{_httpPorts[index % _httpPorts.Count]}/organisation/{_orgId}/user-group/{groupId}?access_token={_token}";

    public string OrgId => _orgId;

    /// <summary>The tenant's REST base (/organisation/{orgId}) on gateway <paramref name="index"/>.</summary>
    public string RestBaseUrl(int index = 0) => $"http://127.0.0.1:{_httpPorts[index % _httpPorts.Count]}/organisation/{_orgId}";

    /// <summary>Gateway <paramref name="index"/>'s /metrics (Prometheus text; management port, no token).</summary>
    public Task<string> MetricsAsync(int index = 0) => _http.GetStringAsync($"http://127.0.0.1:{_managementPorts[index]}/metrics");

    /// <summary>The base of every socket path of the tenant, without a token: the organisation socket itself, or + "/user/…", "/user-group/…".</summary>
    public string OrganisationSocketUrl(int index = 0) => $"ws://127.0.0.1:{_httpPorts[index % _httpPorts.Count]}/organisation/{_orgId}";

    private static async Task EnsureOk(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var g in _gateways) await g.DisposeAsync();
        foreach (var s in _silos) await s.DisposeAsync();
        _http.Dispose();
    }
}
