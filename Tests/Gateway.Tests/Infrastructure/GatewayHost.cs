using System.Net;
using System.Net.Sockets;
using FreedomCti.Presence.Gateway.Demo;
using FreedomCti.Presence.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>
/// The gateway exactly as Program.cs wires it (co-hosted silo, real Kestrel on a loopback port), shared by a
/// test collection. Tests provision their own tenants with fresh ids; the demo tenant is seeded for the spec replay.
/// </summary>
public sealed class GatewayHost : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri HttpAddress { get; private set; } = null!;
    public Uri WebSocketAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Settings the tests shorten so that lingers and audits finish within a test's bounds.</summary>
    public static readonly string[] TestSettings =
    [
        "--Gateway:TopicLinger=00:00:00.300",
        "--Gateway:AuditInterval=00:00:01",
        "--Demo:Seed=true",
        "--Logging:LogLevel:Default=Warning",
    ];

    public async Task InitializeAsync()
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Cluster:SiloPort={FreePort()}",
            $"--Cluster:GatewayPort={FreePort()}",
            $"--Cluster:ClusterId=test-{Guid.NewGuid():N}",
            .. TestSettings,
        ];
        // The same three calls as Program.cs.
        var builder = WebApplication.CreateBuilder(args);
        builder.AddPresenceCluster();
        builder.AddPresenceGateway();
        builder.AddDemoTenant();
        _app = builder.Build();
        _app.UsePresenceGateway();
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        HttpAddress = new Uri(address);
        WebSocketAddress = new UriBuilder(HttpAddress) { Scheme = "ws" }.Uri;
        Http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        await Poll.UntilAsync(async () => (await Http.GetAsync($"/organisation/{DemoTenant.OrgId}")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the demo tenant to be seeded");
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }
    }

    public Task<PresenceSocket> ConnectAsync(string path) => PresenceSocket.ConnectAsync(new Uri(WebSocketAddress, path));

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayHost>
{
    public const string Name = "gateway";
}
