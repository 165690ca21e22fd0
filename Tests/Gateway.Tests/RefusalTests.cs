using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Every REST refusal explains itself: a problem document whose detail names the rule, or errors naming the field.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RefusalTests(GatewayHost host)
{
    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{what}: {(int)response.StatusCode} {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {response.Content.Headers.ContentType} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Anonymous and foreign-organisation calls to every route of the OpenAPI document: 401/403 with a detail.</summary>
    [Fact]
    public async Task EveryRoute_RefusesAnonymousAndForeignCallers_WithADetailNamingTheRule()
    {
        var document = JsonNode.Parse(await host.Http.GetStringAsync("/openapi/v1.json"))!;
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        using var foreign = host.HttpFor("org-someone-else");
        var checkedRoutes = 0;
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                // Only the bearer-token operations: POST /display/token is anonymous on purpose (its credential is the proof).
                if (operation!["security"] is null) continue;
                var url = path.Replace("{orgId}", tenant.OrgId).Replace("{userId}", "u1").Replace("{groupId}", "g1")
                    .Replace("{callId}", "c1").Replace("{sessionId}", "s-1");
                foreach (var (client, status, detail) in new[]
                {
                    (host.Http, HttpStatusCode.Unauthorized, "A valid bearer token"),
                    (foreign, HttpStatusCode.Forbidden, "The token is for another organisation."),
                })
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
                    if (operation!["requestBody"] is not null) request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    var problem = await ProblemAsync(await client.SendAsync(request), status, $"{method} {path}");
                    Assert.Contains(detail, (string?)problem["detail"] ?? "");
                }
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes >= 20, $"only {checkedRoutes} routes");
    }

    [Fact]
    public async Task RoleLessToken_SettingItsOwnPresence_IsToldItHasNoRole()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        using var client = host.HttpWithToken(GatewayHost.Tokens.Mint(tenant.OrgId, "u1"));

        var problem = await ProblemAsync(await client.PutAsJsonAsync($"{tenant.UserPath("u1")}/presence", new { status = "busy" }), HttpStatusCode.Forbidden, "role-less");

        Assert.Contains("This token has no role", (string?)problem["detail"]);
        Assert.DoesNotContain("Agents may set only their own", (string?)problem["detail"]);
    }

    [Fact]
    public async Task RoleRefusal_ComesBeforeTheBodyIsRead()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        using var agent = host.HttpWithToken(GatewayHost.Token(tenant.OrgId, "u1", PresenceRoles.Agent));

        // Not JSON: an agent may not call the route, so the body is never looked at.
        var problem = await ProblemAsync(await agent.PutAsync($"/organisation/{tenant.OrgId}/directory", new StringContent("not json", Encoding.UTF8, "application/json")),
            HttpStatusCode.Forbidden, "agent import");
        Assert.Contains("role 'admin' or 'system'", (string?)problem["detail"]);
        Assert.Contains("agent", (string?)problem["detail"]); // names the token's roles
    }

    /// <summary>Routing picks the endpoint by Content-Type, so 415 comes first of all, even before the token (protocol.md says so).</summary>
    [Fact]
    public async Task BodyNotSentAsJson_Is415_WithADetail_EvenWithoutAToken()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var url = $"{tenant.UserPath("u1")}/presence";

        var problem = await ProblemAsync(await tenant.Http.PutAsync(url, new StringContent("{\"status\":\"busy\"}", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType, "text/plain body");
        await ProblemAsync(await host.Http.PutAsync(url, new StringContent("x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "anonymous");

        Assert.Contains("Content-Type: application/json", (string?)problem["detail"]);
    }

    [Theory]
    [InlineData("presence", "{\"status\":3}", "status", "must be a string")]
    [InlineData("presence", "{\"status\":\"busy\",\"statusMessage\":[\"x\"]}", "statusMessage", "must be a string")]
    [InlineData("calls", "{\"callId\":\"c1\",\"direction\":true}", "direction", "must be a string")]
    public async Task FieldOfTheWrongJsonType_Is400_NamingTheField(string route, string body, string field, string message)
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var url = $"{tenant.UserPath("u1")}/{route}";
        var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = route == "presence" ? await tenant.Http.PutAsync(url, content) : await tenant.Http.PostAsync(url, content);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, body);
        Assert.Contains(message, problem["errors"]![field]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task NestedFieldsOfTheImport_AreNamedByTheirJsonPath()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 0, withGroup: false);

        var wrongType = await ProblemAsync(await tenant.Http.PutAsync($"/organisation/{tenant.OrgId}/directory", new StringContent(
            """{"users":[{"userId":"a","displayName":"A","capabilities":{"canTransfer":"no"}}]}""", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "wrong type");
        var invalid = await ProblemAsync(await tenant.Http.PutAsJsonAsync($"/organisation/{tenant.OrgId}/directory", new
        {
            users = new object[] { new { userId = "a", displayName = " " }, new { userId = "-b", displayName = "B" } },
            groups = new[] { new { groupId = "g", groupName = "G", members = new[] { "a", "-x" } } },
        }), HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("canTransfer must be true or false.", (string?)wrongType["errors"]!["users[0].capabilities.canTransfer"]![0]);
        Assert.Equal(new[] { "groups[0].members", "users[0].displayName", "users[1].userId" }, invalid["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MissingBody_Is400_SayingTheRouteNeedsOne()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{tenant.UserPath("u1")}/presence")
        {
            Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };

        var problem = await ProblemAsync(await tenant.Http.SendAsync(request), HttpStatusCode.BadRequest, "no body");

        Assert.NotNull(problem["detail"]);
    }
}
