using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>A fresh organisation provisioned through the REST API, with helpers for the writes tests make.</summary>
public sealed class TestTenant(HttpClient http, string orgId)
{
    public string OrgId { get; } = orgId;
    public HttpClient Http { get; } = http;

    /// <summary>An organisation with users u1..uN ("User i", extension 2000+i) and, if asked, group "g1" holding all of them.</summary>
    public static async Task<TestTenant> CreateAsync(GatewayHost host, int users = 3, bool withGroup = true)
    {
        var orgId = $"org-{Guid.NewGuid():N}";
        var tenant = new TestTenant(host.HttpFor(orgId), orgId);
        await tenant.PutAsync($"/organisation/{tenant.OrgId}", new { name = "Test Org" });
        for (var i = 1; i <= users; i++)
        {
            await tenant.PutAsync($"/organisation/{tenant.OrgId}/user/u{i}", new { displayName = $"User {i}", extension = $"{2000 + i}" });
        }
        if (withGroup)
        {
            await tenant.PutAsync($"/organisation/{tenant.OrgId}/user-group/g1",
                new { groupName = "Group One", members = Enumerable.Range(1, users).Select(i => $"u{i}").ToArray() });
        }
        return tenant;
    }

    public string UserPath(string userId) => $"/organisation/{OrgId}/user/{userId}";
    public string GroupPath(string groupId) => $"/organisation/{OrgId}/user-group/{groupId}";

    public Task<JsonObject> SetPresenceAsync(string userId, string status, string? statusMessage = null) =>
        PutAsync($"{UserPath(userId)}/presence", new { status, statusMessage });

    public async Task<JsonObject> PutAsync(string path, object body)
    {
        var response = await Http.PutAsJsonAsync(path, body);
        if (response.StatusCode == HttpStatusCode.Accepted && path.EndsWith("/directory", StringComparison.Ordinal))
        {
            return await ImportResultAsync(response, path);
        }
        return await ReadOkAsync(response, path);
    }

    /// <summary>
    /// A directory import that outlasted the gateway's 2 s synchronous wait (a loaded machine) answers 202 with its job:
    /// followed to its end, it gives what the 200 would have said (users, groups, memberships).
    /// </summary>
    private async Task<JsonObject> ImportResultAsync(HttpResponseMessage accepted, string path)
    {
        var location = accepted.Headers.Location ?? throw new HttpRequestException($"{path} answered 202 without a Location");
        JsonObject job = new();
        await Poll.UntilAsync(async () => (string?)(job = await GetAsync(location.OriginalString))["state"] is "succeeded" or "failed",
            TimeSpan.FromSeconds(60), () => $"the import {location} to end: {job.ToJsonString()}", intervalMs: 200);
        if ((string?)job["state"] != "succeeded") throw new HttpRequestException($"{path}: the import failed: {job.ToJsonString()}");
        return new JsonObject
        {
            ["users"] = (int)job["users"]!["total"]!,
            ["groups"] = (int)job["groups"]!["total"]!,
            ["memberships"] = (int)job["memberships"]!,
        };
    }

    public async Task<JsonObject> PostAsync(string path, object body)
    {
        var response = await Http.PostAsJsonAsync(path, body);
        return await ReadOkAsync(response, path);
    }

    public async Task<JsonObject> GetAsync(string path) => await ReadOkAsync(await Http.GetAsync(path), path);

    private static async Task<JsonObject> ReadOkAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode}: {text}");
        }
        return JsonNode.Parse(text)!.AsObject();
    }
}
