using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Grains;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// A write's outcome is never ambiguous over REST: a retry with the same Idempotency-Key answers the first outcome and
/// never applies twice, and a write the grid does not confirm in time answers 503 that the keyed retry resolves.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class IdempotentWriteTests(GatewayHost host)
{
    private static async Task<(HttpStatusCode Status, JsonObject? Body, HttpResponseMessage Response)> SendAsync(
        HttpClient client, HttpMethod method, string url, object? body, string? key)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (key is not null) request.Headers.Add(WriteScope.KeyHeader, key);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text)!.AsObject() : null, response);
    }

    private static bool Replayed(HttpResponseMessage response) =>
        response.Headers.TryGetValues(WriteScope.ReplayedHeader, out var values) && values.Single() == "true";

    private static async Task<long> SeqAsync(TestTenant tenant, string userId) => (long)(await tenant.GetAsync(tenant.UserPath(userId)))["seq"]!;

    [Fact]
    public async Task SetPresence_RetriedWithTheSameKey_AppliesOnce_AndTheRetryIsMarked()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var key = Guid.NewGuid().ToString();
        var url = $"{tenant.UserPath("u1")}/presence";

        var first = await SendAsync(tenant.Http, HttpMethod.Put, url, new { status = "busy", statusMessage = "A" }, key);
        var retry = await SendAsync(tenant.Http, HttpMethod.Put, url, new { statusMessage = "A", status = "busy" }, $"\"{key}\"");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, retry.Status));
        Assert.False(Replayed(first.Response));
        Assert.True(Replayed(retry.Response));
        Assert.Equal((long)first.Body!["seq"]!, (long)retry.Body!["seq"]!);
        Assert.Equal((long)first.Body!["seq"]!, await SeqAsync(tenant, "u1"));
    }

    [Fact]
    public async Task KeyReusedWithAnotherBody_Is422_AndNothingIsApplied()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var key = Guid.NewGuid().ToString();
        var url = $"{tenant.UserPath("u1")}/presence";
        await SendAsync(tenant.Http, HttpMethod.Put, url, new { status = "busy" }, key);
        var seq = await SeqAsync(tenant, "u1");

        var reused = await SendAsync(tenant.Http, HttpMethod.Put, url, new { status = "away" }, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Contains("different request", (string?)reused.Body!["detail"]);
        Assert.Equal(seq, await SeqAsync(tenant, "u1"));
    }

    [Fact]
    public async Task EndCall_RetriedAfterItWasApplied_AnswersItsOutcome_WithTheKeyOnly()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var calls = $"{tenant.UserPath("u1")}/calls";
        var (startKey, endKey) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(tenant.Http, HttpMethod.Post, calls, new { callId = "c1", direction = "inbound" }, startKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(tenant.Http, HttpMethod.Delete, $"{calls}/c1", null, endKey)).Status);
        var seq = await SeqAsync(tenant, "u1");

        var withoutKey = await SendAsync(tenant.Http, HttpMethod.Delete, $"{calls}/c1", null, null);
        var withKey = await SendAsync(tenant.Http, HttpMethod.Delete, $"{calls}/c1", null, endKey);
        var startAgain = await SendAsync(tenant.Http, HttpMethod.Post, calls, new { callId = "c1", direction = "inbound" }, startKey);

        Assert.Equal(HttpStatusCode.NotFound, withoutKey.Status); // ambiguous: "never was" or "already ended"
        Assert.Equal(HttpStatusCode.OK, withKey.Status);
        Assert.True(Replayed(withKey.Response));
        Assert.Equal(HttpStatusCode.OK, startAgain.Status);
        Assert.True(Replayed(startAgain.Response));
        Assert.Null(startAgain.Body!["data"]!["activeCall"]); // not started again
        Assert.Equal(seq, await SeqAsync(tenant, "u1"));
    }

    [Fact]
    public async Task RefusedWrite_ReplaysItsRefusal()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var calls = $"{tenant.UserPath("u1")}/calls";
        await tenant.PostAsync(calls, new { callId = "c1", direction = "inbound" });
        var key = Guid.NewGuid().ToString();

        var refused = await SendAsync(tenant.Http, HttpMethod.Post, calls, new { callId = "c2", direction = "inbound" }, key);
        await tenant.Http.DeleteAsync($"{calls}/c1");
        var retry = await SendAsync(tenant.Http, HttpMethod.Post, calls, new { callId = "c2", direction = "inbound" }, key);

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (refused.Status, retry.Status));
        Assert.True(Replayed(retry.Response));
        Assert.Equal((string?)refused.Body!["detail"], (string?)retry.Body!["detail"]);
    }

    [Fact]
    public async Task SessionOpenedWithAKeyAndNoId_RetryOpensTheSameSession_LogoutReplays()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        await tenant.PutAsync($"/organisation/{tenant.OrgId}", new { name = "Org", settings = new { sessions = new { enabled = true } } });
        var sessions = $"{tenant.UserPath("u1")}/sessions";
        var (openKey, closeKey) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        var opened = await SendAsync(tenant.Http, HttpMethod.Post, sessions, new { device = "desktop" }, openKey);
        var again = await SendAsync(tenant.Http, HttpMethod.Post, sessions, new { device = "desktop" }, openKey);
        var id = (string)opened.Body!["session"]!["sessionId"]!;
        var closed = await SendAsync(tenant.Http, HttpMethod.Delete, $"{sessions}/{id}", null, closeKey);
        var closedAgain = await SendAsync(tenant.Http, HttpMethod.Delete, $"{sessions}/{id}", null, closeKey);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (opened.Status, again.Status));
        Assert.Equal(id, (string?)again.Body!["session"]!["sessionId"]);
        Assert.True(Replayed(again.Response));
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (closed.Status, closedAgain.Status));
        Assert.True(Replayed(closedAgain.Response));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("\"\"")]
    public async Task MalformedKey_Is400_NamingTheHeader(string key)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{tenant.UserPath("u1")}/presence") { Content = JsonContent.Create(new { status = "busy" }) };
        request.Headers.TryAddWithoutValidation(WriteScope.KeyHeader, key);

        var response = await tenant.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]![WriteScope.KeyHeader]);
    }

    /// <summary>
    /// A gateway whose write deadline is shorter than any grid call: the write answers 503 with Retry-After, and the
    /// retry with the same key (on a gateway with the normal deadline) tells whether it had been applied. Either way
    /// the user's seq moved by exactly one.
    /// </summary>
    [Fact]
    public async Task WriteNotConfirmedInTime_Is503WithRetryAfter_AndTheKeyedRetryAppliesItExactlyOnce()
    {
        // The grain calls of this gateway's writes are held until the end, so the deadline passes first on any machine
        // (a one-tick deadline alone was raced by a loaded timer: the grain answered before the timer's callback ran).
        var impatient = await host.StartSecondGatewayAsync("--Api:WriteTimeout=00:00:00.2");
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var grains = impatient.Get<IGrainFactory>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var userId in new[] { "u1", "u2" })
        {
            impatient.Faults.Hold(grains.GetGrain<IUserGrain>(PresenceIds.Key(tenant.OrgId, userId)), release.Task);
        }
        try
        {
            var seq = await SeqAsync(tenant, "u1");
            var key = Guid.NewGuid().ToString();
            var url = $"{tenant.UserPath("u1")}/presence";
            using var client = impatient.HttpFor(tenant.OrgId);

            var unconfirmed = await SendAsync(client, HttpMethod.Put, url, new { status = "dnd" }, key);
            var retry = await SendAsync(tenant.Http, HttpMethod.Put, url, new { status = "dnd" }, key);
            var again = await SendAsync(tenant.Http, HttpMethod.Put, url, new { status = "dnd" }, key);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, unconfirmed.Status);
            Assert.Equal(TimeSpan.FromSeconds(2), unconfirmed.Response.Headers.RetryAfter?.Delta);
            Assert.Contains("within 0.2 s (Api:WriteTimeout)", (string?)unconfirmed.Body!["detail"]);
            Assert.Contains("same Idempotency-Key", (string?)unconfirmed.Body!["detail"]);
            Assert.Equal(HttpStatusCode.OK, retry.Status);
            Assert.True(Replayed(again.Response));
            Assert.Equal(seq + 1, (long)retry.Body!["seq"]!);
            Assert.Equal(seq + 1, await SeqAsync(tenant, "u1"));

            // Every write is bounded, directory writes too; only the bulk import answers when it is done.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SendAsync(client, HttpMethod.Put, tenant.UserPath("u2"), new { displayName = "Two" }, null)).Status);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SendAsync(client, HttpMethod.Delete, $"{tenant.UserPath("u1")}/calls/c1", null, null)).Status);
            var import = await SendAsync(client, HttpMethod.Put, $"/organisation/{tenant.OrgId}/directory",
                new { users = new[] { new { userId = "u3", displayName = "Three" } } }, null);
            Assert.Equal(HttpStatusCode.OK, import.Status);
        }
        finally
        {
            release.SetResult();
        }
    }
}
