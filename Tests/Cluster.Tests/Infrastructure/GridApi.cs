using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>The REST API of every gateway of a grid, always with the bearer token; calls fail over to the next gateway on a transport error.</summary>
public sealed class GridApi(IReadOnlyList<GridNode> gateways, string token, string orgId)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public string OrgId { get; } = orgId;
    public string Token { get; } = token;
    public IReadOnlyList<GridNode> Gateways { get; } = gateways;

    public string UserPath(string userId) => $"/organisation/{OrgId}/user/{userId}";
    public string GroupPath(string groupId) => $"/organisation/{OrgId}/user-group/{groupId}";

    /// <summary>One request to one gateway: the status code and the body (null on a transport failure).</summary>
    public async Task<(HttpStatusCode? Status, JsonObject? Body)> SendAsync(int gateway, HttpMethod method, string path, object? body = null, string? prefer = null,
        string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Gateways[gateway].Http, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (prefer is not null) request.Headers.Add("Prefer", prefer);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = JsonContent.Create(body);
        try
        {
            using var response = await Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var json = text.StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : null;
            return (response.StatusCode, json);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (null, null);
        }
    }

    /// <summary>Sends until a gateway answers 200 (any gateway, in turn), bounded; throws with the last answer otherwise.</summary>
    public async Task<JsonObject> OkAsync(HttpMethod method, string path, object? body = null, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        for (var attempt = 0; ; attempt++)
        {
            var gateway = attempt % Gateways.Count;
            var (status, json) = Gateways[gateway].IsRunning ? await SendAsync(gateway, method, path, body) : (null, null);
            if (status == HttpStatusCode.OK) return json!;
            if (DateTime.UtcNow > deadline) throw new HttpRequestException($"{method} {path} answered {status?.ToString() ?? "nothing"}: {json}");
            await Task.Delay(100);
        }
    }

    /// <summary>An organisation with users u1..uN and the given groups (id → member ids).</summary>
    public async Task CreateTenantAsync(int users, IReadOnlyDictionary<string, string[]> groups)
    {
        await OkAsync(HttpMethod.Put, $"/organisation/{OrgId}", new { name = "Cluster Test Org" });
        for (var i = 1; i <= users; i++)
        {
            await OkAsync(HttpMethod.Put, UserPath($"u{i}"), new { displayName = $"User {i}", extension = $"{3000 + i}" });
        }
        foreach (var (groupId, members) in groups)
        {
            await OkAsync(HttpMethod.Put, GroupPath(groupId), new { groupName = $"Group {groupId}", members });
        }
    }

    public Task<JsonObject> SetPresenceAsync(string userId, string status, string statusMessage) =>
        OkAsync(HttpMethod.Put, $"{UserPath(userId)}/presence", new { status, statusMessage });

    public Task<JsonObject> GetUserAsync(string userId) => OkAsync(HttpMethod.Get, UserPath(userId));

    public Task<JsonObject> GetGroupAsync(string groupId) => OkAsync(HttpMethod.Get, GroupPath(groupId));
}
