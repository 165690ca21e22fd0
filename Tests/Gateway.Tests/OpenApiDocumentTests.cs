using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Tests.Infrastructure;
using Json.Schema;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// The OpenAPI document at /openapi/v1.json describes the REST API the gateway really maps and really answers with,
/// and the reference page at /docs loads everything it needs from the gateway itself.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class OpenApiDocumentTests(GatewayHost host)
{
    private static readonly string[] Tags = ["Directory", "Presence", "Sessions", "Calls", "Queue", "Snapshots", "Organisations", "Displays", "Tickets"];
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<JsonObject> DocumentAsync()
    {
        var response = await host.Http.GetAsync("/openapi/v1.json"); // anonymous on purpose
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static IEnumerable<(string Method, string Path, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        // The bearer-token REST API; the one anonymous operation (POST /display/token) is checked on its own.
        where path.Key.StartsWith("/organisation", StringComparison.Ordinal)
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select (method.Key.ToUpperInvariant(), path.Key, method.Value!.AsObject());

    [Fact]
    public async Task EveryRestRouteTheAppMaps_IsInTheDocument_AndNothingElse()
    {
        var document = await DocumentAsync();
        // The REST API is everything the app maps under /organisation (health, metrics, dashboard and docs are not it).
        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/organisation", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        var described = Operations(document).Select(o => $"{o.Method} {o.Path}").ToHashSet();

        Assert.True(mapped.Count >= 16, $"only {mapped.Count} REST routes found");
        Assert.Equal(mapped.Order(), described.Order());

    }

    [Fact]
    public async Task EveryOperation_HasANameSummaryTagAndTheBearerRequirement()
    {
        var document = await DocumentAsync();
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]);
        var names = new HashSet<string>();
        foreach (var (method, path, operation) in Operations(document))
        {
            var where = $"{method} {path}";
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{where} has no summary");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["description"]), $"{where} has no description");
            Assert.True(names.Add((string?)operation["operationId"] ?? ""), $"{where} has no unique operationId");
            var tags = operation["tags"]!.AsArray().Select(t => (string)t!).ToList();
            Assert.True(tags.Count == 1 && Tags.Contains(tags[0]), $"{where} is tagged {string.Join(",", tags)}");
            Assert.NotNull(operation["security"]?.AsArray().SingleOrDefault(s => s!["Bearer"] is not null));
            foreach (var status in CommonStatuses)
            {
                Assert.True(operation["responses"]![status] is not null, $"{where} does not declare {status}");
            }
            Assert.NotNull(operation["responses"]!["503"]!["headers"]?["Retry-After"]);
            if (method != "GET")
            {
                // Every write is admitted per organisation (429) and bounded by the write deadline (503), both with Retry-After;
                // those that take a key say so, with 422 and the replay header.
                Assert.NotNull(operation["responses"]!["429"]?["headers"]?["Retry-After"]);
                var takesKey = operation["parameters"]?.AsArray().Any(p => (string?)p!["name"] == "Idempotency-Key") == true;
                Assert.Equal(takesKey, operation["responses"]!["422"] is not null);
            }
        }
    }

    /// <summary>What every route can answer besides its own outcomes; docs/protocol.md says so once, above its summary table.</summary>
    private static readonly string[] CommonStatuses = ["400", "401", "403", "500", "503"];

    /// <summary>
    /// docs/protocol.md's summary table lists, per route, its success and every other status it can answer (beyond the
    /// common ones); the OpenAPI document must declare exactly those, and the table must list every operation.
    /// </summary>
    [Fact]
    public async Task StatusesPerRoute_InProtocolMd_AreExactlyThoseTheDocumentDeclares()
    {
        var document = await DocumentAsync();
        var rows = File.ReadAllLines(AsyncApiDocument.PathInRepository("docs/protocol.md"))
            .Where(l => Regex.IsMatch(l, @"^\| (GET|PUT|POST|DELETE) \| `/organisation"))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .ToDictionary(c => $"{c[1]} {c[2].Trim('`')}", c => Statuses(c[4]).Concat(Statuses(c[6])).Concat(CommonStatuses).ToHashSet());
        foreach (var (method, path, operation) in Operations(document))
        {
            var where = $"{method} {path}";
            Assert.True(rows.TryGetValue(where, out var documented), $"{where} is not in protocol.md's summary table");
            var declared = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
            Assert.True(documented.SetEquals(declared),
                $"{where}: protocol.md lists {string.Join(",", documented.Order())}, OpenAPI declares {string.Join(",", declared.Order())}");
        }
        Assert.Equal(Operations(document).Count(), rows.Count);
    }

    private static IEnumerable<string> Statuses(string cell) => Regex.Matches(cell, @"\b[1-5]\d\d\b").Select(m => m.Value);

    /// <summary>
    /// Real calls to every operation: anonymous (401), with a token of another organisation (403), and for an
    /// organisation that does not exist (404, or 200 for the PUT that creates one). Each answer must be declared.
    /// </summary>
    [Fact]
    public async Task WhatEveryOperationReallyAnswers_IsDeclared()
    {
        var document = await DocumentAsync();
        var absentOrg = $"org-{Guid.NewGuid():N}";
        var callers = new (string Who, HttpClient Client, HttpStatusCode? Expected)[]
        {
            ("anonymous", host.Http, HttpStatusCode.Unauthorized),
            ("another organisation", host.HttpFor("org-someone-else"), HttpStatusCode.Forbidden),
            ("admin of an absent organisation", host.HttpFor(absentOrg), null),
        };
        foreach (var (method, path, operation) in Operations(document))
        {
            var url = path.Replace("{orgId}", absentOrg).Replace("{userId}", "u1").Replace("{groupId}", "g1").Replace("{callId}", "c1")
                .Replace("{sessionId}", "s-1").Replace("{jobId}", "0123456789abcdef0123456789abcdef");
            foreach (var (who, client, expected) in callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (operation["requestBody"] is not null) request.Content = new StringContent(BodyFor(path), Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                if (expected is { } e) Assert.True(response.StatusCode == e, $"{method} {path} as {who}: {status}");
                Assert.True(operation["responses"]![status.ToString()] is not null, $"{method} {path} as {who} answered {status}, which the document does not declare");
            }
        }
    }

    /// <summary>A body that passes validation, so the answer shows what the route does with an absent organisation.</summary>
    private static string BodyFor(string path) => path switch
    {
        _ when path.EndsWith("/presence") => """{"status":"available"}""",
        _ when path.EndsWith("/sessions") => """{"device":"desktop"}""",
        _ when path.EndsWith("/heartbeat") => """{"activity":true}""",
        _ when path.EndsWith("/calls") && path.Contains("/queue/") => """{"callId":"c1"}""",
        _ when path.EndsWith("/calls") => """{"callId":"c1","direction":"inbound"}""",
        _ when path.EndsWith("/members") => """{"userIds":["u1"]}""",
        _ when path.EndsWith("/directory") => """{"users":[],"groups":[]}""",
        _ when path.EndsWith("/user-group/{groupId}") => """{"groupName":"G"}""",
        _ when path.EndsWith("/user/{userId}") => """{"displayName":"U"}""",
        _ => """{"name":"Org"}""",
    };

    /// <summary>
    /// Real answers match the response schemas, made strict (no property the document does not name), so the
    /// hand-rendered user and group documents cannot drift from their description.
    /// </summary>
    [Fact]
    public async Task RealAnswers_MatchTheirResponseSchemas()
    {
        var document = await DocumentAsync();
        var tenant = await TestTenant.CreateAsync(host, users: 2);
        await tenant.PutAsync($"/organisation/{tenant.OrgId}",
            new { name = "Sessions on", settings = new { sessions = new { enabled = true, leaseSeconds = 60, graceSeconds = 60 } } });
        await tenant.SetPresenceAsync("u1", "busy", "Back soon");
        await tenant.PostAsync($"{tenant.UserPath("u2")}/calls", new { callId = "call-9", direction = "inbound", remoteParty = "+44 1" });

        var checks = new (string Method, string Path, string Url, object? Body, HttpStatusCode Status)[]
        {
            ("get", "/organisation/{orgId}", $"/organisation/{tenant.OrgId}", null, HttpStatusCode.OK),
            ("get", "/organisation/{orgId}/user/{userId}", tenant.UserPath("u2"), null, HttpStatusCode.OK),
            ("get", "/organisation/{orgId}/user-group/{groupId}", tenant.GroupPath("g1"), null, HttpStatusCode.OK),
            ("put", "/organisation/{orgId}/user/{userId}/presence", $"{tenant.UserPath("u1")}/presence", new { status = "away" }, HttpStatusCode.OK),
            ("post", "/organisation/{orgId}/user-group/{groupId}/queue/calls", $"{tenant.GroupPath("g1")}/queue/calls", new { callId = "q-1" }, HttpStatusCode.OK),
            ("put", "/organisation/{orgId}/directory", $"/organisation/{tenant.OrgId}/directory",
                new { users = new[] { new { userId = "u3", displayName = "Three" } }, groups = Array.Empty<object>() }, HttpStatusCode.OK),
            ("post", "/organisation/{orgId}/user/{userId}/sessions", $"{tenant.UserPath("u1")}/sessions",
                new { sessionId = "s-desk-1", device = "desktop", status = "available" }, HttpStatusCode.Created),
            ("post", "/organisation/{orgId}/user/{userId}/sessions/{sessionId}/heartbeat", $"{tenant.UserPath("u1")}/sessions/s-desk-1/heartbeat",
                new { activity = true }, HttpStatusCode.OK),
            ("get", "/organisation/{orgId}/user/{userId}/sessions", $"{tenant.UserPath("u1")}/sessions", null, HttpStatusCode.OK),
            ("delete", "/organisation/{orgId}/user-group/{groupId}/queue/calls/{callId}", $"{tenant.GroupPath("g1")}/queue/calls/q-1?reason=answered", null, HttpStatusCode.OK),
        };
        foreach (var (method, path, url, body, status) in checks)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await tenant.Http.SendAsync(request);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.True(response.StatusCode == status, $"{method.ToUpperInvariant()} {url}: {(int)response.StatusCode} {answer.ToJsonString()}");
            var declared = document["paths"]![path]![method]!["responses"]![((int)status).ToString()];
            Assert.True(declared is not null, $"{method.ToUpperInvariant()} {path} does not declare {(int)status}");
            var reference = (string)declared["content"]!["application/json"]!["schema"]!["$ref"]!;
            var problems = ValidateStrictly(document, reference, answer);
            Assert.True(problems.Count == 0, $"{method.ToUpperInvariant()} {url} answered\n{answer.ToJsonString()}\nwhich does not match {reference}:\n{string.Join('\n', problems)}");
        }

        // An import as a job: the 202 and the job resource it points to.
        using var start = new HttpRequestMessage(HttpMethod.Put, $"/organisation/{tenant.OrgId}/directory")
        {
            Content = JsonContent.Create(new { users = new[] { new { userId = "u4", displayName = "Four" } }, groups = new[] { new { groupId = "g4", groupName = "G4", members = new[] { "u4" } } } }),
        };
        start.Headers.Add("Prefer", "respond-async");
        using var accepted = await tenant.Http.SendAsync(start);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        AssertDeclared(document, "put", "/organisation/{orgId}/directory", HttpStatusCode.Accepted, JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!);
        var job = await tenant.GetAsync(accepted.Headers.Location!.ToString());
        AssertDeclared(document, "get", "/organisation/{orgId}/directory/imports/{jobId}", HttpStatusCode.OK, job);
    }

    private static void AssertDeclared(JsonObject document, string method, string path, HttpStatusCode status, JsonNode answer)
    {
        var declared = document["paths"]![path]![method]!["responses"]![((int)status).ToString()];
        Assert.True(declared is not null, $"{method.ToUpperInvariant()} {path} does not declare {(int)status}");
        var reference = (string)declared["content"]!["application/json"]!["schema"]!["$ref"]!;
        var problems = ValidateStrictly(document, reference, answer);
        Assert.True(problems.Count == 0, $"{method.ToUpperInvariant()} {path} answered\n{answer.ToJsonString()}\nwhich does not match {reference}:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public async Task ReferencePage_LoadsEveryAssetFromTheGateway()
    {
        var page = await host.Http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();

        var assets = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        assets.AddRange(JsonUrl().Matches(html).Select(m => m.Groups["url"].Value));
        Assert.Contains("scalar.js", assets);
        Assert.Contains("openapi/v1.json", assets);
        foreach (var asset in assets)
        {
            Assert.False(Uri.TryCreate(asset, UriKind.Absolute, out _), $"the page loads {asset} from elsewhere");
            // Scalar resolves the document's URL from the site root, its scripts from the page's folder.
            var url = asset.StartsWith("openapi/", StringComparison.Ordinal) ? "/" + asset : "/docs/" + asset;
            var response = await host.Http.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        }
        Assert.DoesNotMatch("https?://", html); // no CDN
        // The script itself would fetch web fonts from a CDN, and report use, unless told not to.
        Assert.Contains("\"withDefaultFonts\":false", html);
        Assert.Contains("\"telemetry\":false", html);
    }

    [Fact]
    public async Task AsyncApiDocument_IsServedAnonymously_ExactlyAsTheRepositoryHasIt()
    {
        var response = await host.Http.GetAsync("/asyncapi.yaml");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        // The file AsyncApiContractTests check against real frames, so the served description cannot drift from them.
        Assert.Equal(await File.ReadAllBytesAsync(AsyncApiDocument.PathInRepository("docs/asyncapi.yaml")), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ApiDocsSwitchedOff_ServesNeitherTheDocumentNorThePage()
    {
        var gateway = await host.StartSecondGatewayAsync("--Gateway:ApiDocs=false");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Http.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Http.GetAsync("/docs/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Http.GetAsync("/asyncapi.yaml")).StatusCode);
        // The REST API itself is unaffected.
        Assert.Equal(HttpStatusCode.OK, (await gateway.HttpFor(Gateway.Demo.DemoTenant.OrgId).GetAsync($"/organisation/{Gateway.Demo.DemoTenant.OrgId}")).StatusCode);
    }

    private static string Normalise(string pattern) => pattern.TrimEnd('/');

    /// <summary>Validates against components/schemas, each object schema closed to properties it does not name.</summary>
    private static IReadOnlyList<string> ValidateStrictly(JsonObject document, string reference, JsonNode instance)
    {
        var schemas = document["components"]!["schemas"]!.DeepClone().AsObject();
        foreach (var (_, schema) in schemas) Close(schema!);
        var text = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = schemas,
            ["$ref"] = reference,
        }.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var schemaDocument = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"https://openapi.test/{Guid.NewGuid():N}"));
        var result = schemaDocument.Evaluate(JsonSerializer.SerializeToElement(instance),
            new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid ? [] : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).DefaultIfEmpty("invalid")];
    }

    private static void Close(JsonNode schema)
    {
        if (schema is JsonObject o)
        {
            if (o["properties"] is not null && o["additionalProperties"] is null) o["additionalProperties"] = false;
            foreach (var (_, child) in o.ToList()) if (child is not null) Close(child);
        }
        else if (schema is JsonArray a)
        {
            foreach (var child in a) if (child is not null) Close(child);
        }
    }

    [GeneratedRegex("""(?:src|href)="(?<url>[^"]+)"|"favicon":"(?<url>[^"]+)""")]
    private static partial Regex AssetReference();

    [GeneratedRegex(""""url":"(?<url>[^"]+)"""")]
    private static partial Regex JsonUrl();
}
