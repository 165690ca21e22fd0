using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>A test tenant with presence sessions enabled under short timings, and the session REST calls.</summary>
public sealed class SessionTenant
{
    private readonly GatewayHost _host;

    private SessionTenant(GatewayHost host, TestTenant tenant) => (_host, Tenant) = (host, tenant);

    public TestTenant Tenant { get; }
    public string OrgId => Tenant.OrgId;

    public static async Task<SessionTenant> CreateAsync(GatewayHost host, int leaseSeconds = 2, int graceSeconds = 2,
        int idleSeconds = 3600, int debounceMs = 0, int users = 3)
    {
        var tenant = await TestTenant.CreateAsync(host, users);
        await tenant.PutAsync($"/organisation/{tenant.OrgId}", new
        {
            name = "Test Org",
            settings = new { sessions = new { enabled = true, leaseSeconds, graceSeconds, idleSeconds, debounceMs } },
        });
        return new SessionTenant(host, tenant);
    }

    /// <summary>A supervisor's socket subscribed to the user, past its snapshot: what follows are the user's changes.</summary>
    public async Task<PresenceSocket> WatchAsync(string userId)
    {
        var watcher = await _host.ConnectAsync(Tenant.UserPath(userId));
        await watcher.SubscribeUserAsync(OrgId, userId);
        await watcher.ReceiveAsync();
        return watcher;
    }

    public string SessionsPath(string userId) => $"{Tenant.UserPath(userId)}/sessions";

    /// <summary>Opens a session over REST; returns its id and when the request was sent (the lease starts inside it, so never earlier).</summary>
    public async Task<(string SessionId, JsonObject Body, long SentAt)> OpenAsync(string userId, string device, string status)
    {
        var sentAt = Stopwatch.GetTimestamp();
        var response = await Tenant.Http.PostAsJsonAsync(SessionsPath(userId), new { device, status });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"open answered {(int)response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        return ((string)body["session"]!["sessionId"]!, body, sentAt);
    }

    public async Task<HttpResponseMessage> HeartbeatAsync(string userId, string sessionId, string? status = null, bool activity = false) =>
        await Tenant.Http.PostAsJsonAsync($"{SessionsPath(userId)}/{sessionId}/heartbeat", new { status, activity });

    public Task<HttpResponseMessage> LogoutAsync(string userId, string sessionId) =>
        Tenant.Http.DeleteAsync($"{SessionsPath(userId)}/{sessionId}");

    public async Task<JsonObject> SnapshotAsync(string userId) => (await Tenant.GetAsync(Tenant.UserPath(userId)))["data"]!.AsObject();

    /// <summary>
    /// When the user's one session's lease ends; MinValue while none is listed. A jump of the fake clock can pass a
    /// holder check and the lease's end at once, and a read before the grain's timer has run then lists no live session;
    /// a caller's poll waits for the timer. A session that really lapsed stays unlisted, and the poll times out.
    /// </summary>
    public async Task<DateTimeOffset> LeaseEndAsync(string userId)
    {
        var held = (await Tenant.GetAsync(SessionsPath(userId)))["sessions"]!.AsArray();
        return held.Count == 0 ? DateTimeOffset.MinValue : (DateTimeOffset)held.Single()!["expiresAt"]!;
    }
}
