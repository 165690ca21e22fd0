using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using FreedomCti.Presence.Gateway.Demo;
using FreedomCti.Presence.Hosting;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Limits;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>
/// The gateway exactly as Program.cs wires it (co-hosted silo, real Kestrel on a loopback port), shared by a
/// test collection. Tests provision their own tenants with fresh ids; the demo tenant is seeded for the spec replay.
/// More gateways (Orleans clients of the same silo) can be started for multi-gateway tests.
/// </summary>
public class GatewayHost : IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-0123456789abcdef-0123456789";
    public const string Issuer = TestTokens.Issuer;
    public const string Audience = TestTokens.Audience;

    /// <summary>Tokens signed with the key every test gateway is given (<see cref="SigningKey"/>).</summary>
    public static readonly TestTokens Tokens = new(SigningKey);

    public static SymmetricSecurityKey Key => Tokens.Key;

    /// <summary>Settings the tests shorten so that lingers and audits finish within a test's bounds.</summary>
    public static readonly string[] TestSettings =
    [
        "--Gateway:TopicLinger=00:00:00.300",
        "--Gateway:AuditInterval=00:00:01",
        // The drain's wait for endpoints to update (5 s in production) is nothing to wait for here: each test host
        // would spend it at the end of the run, one after another (RetryHintTests drives the drain itself).
        "--Gateway:DrainDelay=00:00:00",
        // The shared host's stop, after the second gateways it served were disposed, runs to the end of its budget
        // (20 s by default; the cause is not pinned down, see docs/testing.md): a test host is given 3 s.
        "--Gateway:ShutdownTimeout=00:00:03",
        "--Limits:MaxConnectionsPerUser=25",
        $"--Auth:SigningKey={SigningKey}",
        $"--Auth:Issuer={Issuer}",
        $"--Auth:Audience={Audience}",
        "--Logging:LogLevel:Default=Warning",
    ];

    private readonly List<GatewayHost> _others = [];
    private WebApplication? _app;
    private int _orleansGatewayPort;

    public Uri HttpAddress { get; private set; } = null!;
    public Uri WebSocketAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    /// <summary>A client without credentials (401 tests) on the public address.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The management address (Management:Urls): health and metrics, which the public address does not serve.</summary>
    public Uri ManagementAddress { get; private set; } = null!;

    /// <summary>A client of the management address.</summary>
    public HttpClient Management { get; private set; } = null!;

    /// <summary>Log lines written by this gateway (all levels the configuration lets through).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>Grain calls a test makes fail as during a silo's death (unarmed: none).</summary>
    public GrainCallFaults Faults { get; } = new();

    /// <summary>Extra settings a derived fixture adds.</summary>
    protected virtual IEnumerable<string> ExtraSettings => [];

    /// <summary>Whether the demo tenant is seeded (and waited for) at start.</summary>
    protected virtual bool SeedsDemo => true;

    /// <summary>Services a derived fixture adds or replaces, after the gateway's own (so its registrations win).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async Task InitializeAsync()
    {
        _orleansGatewayPort = FreePort();
        await StartAsync([
            $"--Cluster:SiloPort={FreePort()}",
            $"--Cluster:GatewayPort={_orleansGatewayPort}",
            $"--Cluster:ClusterId=test-{Guid.NewGuid():N}",
            $"--Demo:Seed={SeedsDemo}",
            .. ExtraSettings,
        ]);
        if (!SeedsDemo) return;
        var demo = HttpFor(DemoTenant.OrgId);
        await Poll.UntilAsync(async () => (await demo.GetAsync($"/organisation/{DemoTenant.OrgId}")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the demo tenant to be seeded");
    }

    /// <summary>Another gateway process-alike: an Orleans client of this host's silo, with its own Kestrel and limits.</summary>
    public async Task<GatewayHost> StartSecondGatewayAsync(params string[] settings)
    {
        var other = new GatewayHost();
        await other.StartAsync([
            "--Cluster:Mode=Client",
            $"--Cluster:GatewayPort={_orleansGatewayPort}",
            "--Cluster:ClusterId=" + Services.GetRequiredService<PresenceClusterOptions>().ClusterId,
            "--Demo:Seed=false",
            .. settings,
        ]);
        lock (_others) _others.Add(other);
        return other;
    }

    /// <summary>
    /// The gateway as Program.cs builds it, on a free public port and the management port given (or a free one);
    /// not started. Later settings win; <paramref name="services"/> runs after the gateway's own registrations.
    /// </summary>
    public static WebApplication Build(string[] settings, ILoggerProvider? logs = null, int? managementPort = null,
        Action<IServiceCollection>? services = null)
    {
        // The same calls as Program.cs.
        var builder = WebApplication.CreateBuilder([
            "--urls", "http://127.0.0.1:0",
            $"--Management:Urls=http://127.0.0.1:{managementPort ?? FreePort()}",
            .. TestSettings, .. settings]);
        if (logs is not null) builder.Logging.AddProvider(logs);
        builder.AddServiceDefaults(separateManagementPort: true);
        builder.AddPresenceCluster();
        builder.AddPresenceGateway();
        builder.AddPresenceAuthentication();
        builder.AddPresenceLimits();
        builder.AddDemoTenant();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UsePresenceGateway();
        app.MapDefaultEndpoints();
        return app;
    }

    private async Task StartAsync(string[] settings)
    {
        var managementPort = FreePort();
        _app = Build(settings, Logs, managementPort, services =>
        {
            services.AddSingleton<IOutgoingGrainCallFilter>(Faults);
            ConfigureServices(services);
        });
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        ManagementAddress = new Uri($"http://127.0.0.1:{managementPort}");
        Management = new HttpClient { BaseAddress = ManagementAddress, Timeout = TimeSpan.FromSeconds(30) };

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        HttpAddress = new Uri(address);
        WebSocketAddress = new UriBuilder(HttpAddress) { Scheme = "ws" }.Uri;
        Http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        foreach (var other in _others) await other.DisposeAsync();
        Http?.Dispose();
        Management?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A token of the test issuer; supervisor by default, so it may watch any user and group of its org.</summary>
    public static string Token(string orgId, string userId = "tester", params string[] roles) =>
        Tokens.Mint(orgId, userId, roles.Length == 0 ? [PresenceRoles.Supervisor] : roles);

    /// <summary>A REST client whose requests carry a token for <paramref name="orgId"/> (admin, system and supervisor unless told).</summary>
    public HttpClient HttpFor(string orgId, params string[] roles) => HttpWithToken(
        Token(orgId, "tester", roles.Length == 0 ? [PresenceRoles.Admin, PresenceRoles.System, PresenceRoles.Supervisor] : roles));

    public HttpClient HttpWithToken(string token)
    {
        var client = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Opens a socket on a path; without a token, one for the path's organisation (supervisor) is sent as access_token.</summary>
    public Task<PresenceSocket> ConnectAsync(string path, string? token = null, IPAddress? source = null)
    {
        token ??= Token(OrgOf(path));
        var separator = path.Contains('?') ? '&' : '?';
        return PresenceSocket.ConnectAsync(new Uri(WebSocketAddress, $"{path}{separator}access_token={Uri.EscapeDataString(token)}"), source);
    }

    /// <summary>Opens a socket without any credentials.</summary>
    public Task<PresenceSocket> ConnectAnonymousAsync(string path, IPAddress? source = null) =>
        PresenceSocket.ConnectAsync(new Uri(WebSocketAddress, path), source);

    private static string OrgOf(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["organisation", var org, ..] ? Uri.UnescapeDataString(org) : "none";

    private static int FreePort() => LoopbackPorts.Next();
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayHost>
{
    public const string Name = "gateway";
}
