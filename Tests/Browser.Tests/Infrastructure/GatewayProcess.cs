using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;
using FreedomCti.Presence.Tests;

namespace FreedomCti.Presence.Browser.Tests.Infrastructure;

/// <summary>
/// The real gateway (`dotnet FreedomCti.Presence.Gateway.dll`, co-hosted silo, demo tenant seeded, demo activity off)
/// as a child process on a fixed loopback port, so a test can kill it and start it again at the same address.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    public const string OrgId = "org-12345";
    public const string GroupId = "group-sales-team";

    private readonly TestTokens _tokens;
    private readonly string[] _settings;
    private ChildProcess? _process;

    public GatewayProcess(TestTokens tokens, int? port = null, params string[] settings)
    {
        _tokens = tokens;
        _settings = settings;
        Port = port ?? LoopbackPorts.Next();
        Address = new Uri($"http://127.0.0.1:{Port}");
        Admin = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Mint(OrgId, "browser-test", "admin", "system", "supervisor"));
    }

    public int Port { get; }
    public Uri Address { get; }

    /// <summary>REST with an admin + system + supervisor token of the demo organisation.</summary>
    public HttpClient Admin { get; }

    public string Supervisor => _tokens.Mint(OrgId, "user-67890", "supervisor");

    public string BoardUrl(string token, string groupId = GroupId, string query = "") =>
        $"{Address}wallboard/{OrgId}/{groupId}?token={Uri.EscapeDataString(token)}{query}";

    /// <summary>Starts a gateway; <paramref name="settings"/> come last and win (e.g. "--Demo:Activity=true").</summary>
    public static async Task<GatewayProcess> StartAsync(TestTokens tokens, int? port = null, params string[] settings)
    {
        var gateway = new GatewayProcess(tokens, port, settings);
        await gateway.StartAsync();
        return gateway;
    }

    /// <summary>Starts the process (again, after <see cref="Kill"/>) and waits until the demo tenant answers.</summary>
    public async Task StartAsync()
    {
        var bin = Path.GetDirectoryName(BuiltApps.GatewayDll)!;
        _process = ChildProcess.Start($"gateway:{Port}", "dotnet",
        [
            BuiltApps.GatewayDll,
            "--contentRoot", bin, // its appsettings.json, as in `dotnet run`
            "--urls", Address.ToString().TrimEnd('/'),
            $"--Management:Urls=http://127.0.0.1:{LoopbackPorts.Next()}",
            $"--Cluster:SiloPort={LoopbackPorts.Next()}",
            $"--Cluster:GatewayPort={LoopbackPorts.Next()}",
            $"--Cluster:ClusterId=browser-{Guid.NewGuid():N}",
            "--Demo:Seed=true",
            "--Demo:Activity=false", // the tests make every change themselves
            "--Limits:AllowedOrigins:0=http://localhost:1", // only same-origin pages: the wallboard must pass on its own
            "--Logging:LogLevel:Default=Warning",
            .. _tokens.GatewayArgs,
            .. _settings,
        ]);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (_process.HasExited) throw new InvalidOperationException($"The gateway exited.\n{_process.Tail()}");
                try
                {
                    return (await Admin.GetAsync($"/organisation/{OrgId}")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the gateway to start and seed the demo tenant");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{_process.Tail()}", ex);
        }
    }

    /// <summary>kill -9: the page's socket drops the way it does when a gateway crashes.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill();
        Assert.True(await _process.WaitForExitAsync(TimeSpan.FromSeconds(15)), "the gateway did not exit after kill -9");
        await _process.DisposeAsync();
        _process = null;
    }

    public async Task<JsonElement> GroupAsync()
    {
        using var response = await Admin.GetAsync($"/organisation/{OrgId}/user-group/{GroupId}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
    }

    public async Task SetPresenceAsync(string userId, string status)
    {
        using var response = await Admin.PutAsJsonAsync($"/organisation/{OrgId}/user/{userId}/presence", new { status });
        response.EnsureSuccessStatusCode();
    }

    public string Tail() => _process?.Tail() ?? "(gateway not running)";

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        if (_process is not null) await _process.DisposeAsync();
    }
}
