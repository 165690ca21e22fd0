using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Api;
using FreedomCti.Presence.Gateway.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// The API's descriptions: an OpenAPI document generated from the endpoints at /openapi/v1.json, an interactive
/// reference (Scalar) at /docs, and the WebSocket API's AsyncAPI document (docs/asyncapi.yaml, embedded) at
/// /asyncapi.yaml. All are anonymous (a description, not data) and on unless Gateway:ApiDocs is false.
/// The reference page loads its script from the gateway itself (embedded in Scalar.AspNetCore) and no web fonts,
/// so it works where the gateway cannot reach the internet.
/// </summary>
public static class ApiDocs
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";
    public const string AsyncApiPath = "/asyncapi.yaml";
    public const string BearerScheme = "Bearer";

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue($"{GatewayOptions.Section}:{nameof(GatewayOptions.ApiDocs)}", new GatewayOptions().ApiDocs);

    /// <summary>Paths the documentation serves; they need no grid, so the cluster gate lets them through.</summary>
    public static bool IsDocsPath(PathString path) =>
        path.StartsWithSegments("/openapi") || path.StartsWithSegments(ReferencePath) || path.StartsWithSegments(AsyncApiPath);

    public static IServiceCollection AddPresenceApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            // Only the public REST API: endpoints that declare their access rule, or that they are anonymous on purpose
            // (health, metrics, the dashboard are not it).
            options.ShouldInclude = description => description.ActionDescriptor.EndpointMetadata
                .Any(m => m is ApiAccessMetadata or AnonymousApiMetadata);
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(DescribeOperation);
            options.AddSchemaTransformer(DescribeAllowedValues);
            options.AddSchemaTransformer(NumbersAsWritten);
        });

    public static WebApplication MapPresenceApiDocs(this WebApplication app)
    {
        if (!IsEnabled(app.Configuration)) return app;
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("FreedomCTI presence REST API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddDocument(DocumentName)
            .AddPreferredSecuritySchemes(BearerScheme)
            // Nothing from outside: the script is embedded in the package; no CDN fonts, no telemetry, no AI agent, and
            // no developer toolbar (its Share and Deploy buttons upload the document to scalar.com).
            .HideDeveloperTools()
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()).AllowAnonymous();
        var asyncApi = AsyncApiDocument();
        app.MapGet(AsyncApiPath, () => Results.Bytes(asyncApi, "application/yaml; charset=utf-8"))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>docs/asyncapi.yaml as built into the gateway, so the served description is the one the tests checked.</summary>
    private static byte[] AsyncApiDocument()
    {
        using var stream = typeof(ApiDocs).Assembly.GetManifestResourceStream("asyncapi.yaml")
            ?? throw new InvalidOperationException("asyncapi.yaml is not embedded in the gateway (Gateway.csproj).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellation)
    {
        document.Info = new OpenApiInfo
        {
            Title = "FreedomCTI presence REST API",
            Version = "1",
            Description =
                "Writes presence, calls, queues and the directory of the presence grid, and reads snapshots. Every route " +
                "needs `Authorization: Bearer <JWT>` with `sub`, `org` (equal to the path's `orgId`) and `role` claims. " +
                "Errors are RFC 9457 problem details. The WebSocket API on the snapshot paths is described by " +
                "/asyncapi.yaml (AsyncAPI 3.0, docs/asyncapi.yaml in the repository); docs/protocol.md is the prose reference.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An HS256 (or OpenID Connect) JWT with claims sub, org and role (agent, supervisor, admin, system). " +
                          "The REST API reads only this header; an access_token query parameter is ignored (401).",
        };
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = ApiMetadata.Tags.Snapshots, Description = "Plain GET on the WebSocket paths: the document a subscriber receives first." },
            new() { Name = ApiMetadata.Tags.Presence, Description = "Agents' chosen status." },
            new() { Name = ApiMetadata.Tags.Sessions, Description = "Agents' clients holding their presence with leases and heartbeats (docs/presence-sessions.md)." },
            new() { Name = ApiMetadata.Tags.Calls, Description = "Calls reported by the PBX integration (role system)." },
            new() { Name = ApiMetadata.Tags.Queue, Description = "Waiting calls reported by the ACD (role system)." },
            new() { Name = ApiMetadata.Tags.Organisations, Description = "Tenants and their settings." },
            new() { Name = ApiMetadata.Tags.Directory, Description = "Users, groups and members; the bulk import." },
            new() { Name = ApiMetadata.Tags.Displays, Description = "Wall displays: credentials issued per board by admins, exchanged for short-lived read-only tokens (docs/security.md)." },
            new() { Name = ApiMetadata.Tags.Tickets, Description = "Single-use socket tickets, so browsers never put a token in a socket URL." },
        };
        return Task.CompletedTask;
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var access = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiAccessMetadata>().FirstOrDefault();
        if (access is null) return Task.CompletedTask;

        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
        operation.Description = $"{operation.Description}\n\n**Who may call:** {Who(access.Access)}";
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter { In: ParameterLocation.Path } path && IdParameters.TryGetValue(path.Name ?? "", out var meaning))
            {
                path.Description = $"{meaning} 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit; case-sensitive.";
                if (path.Schema is OpenApiSchema schema) schema.Pattern = PresenceIds.Pattern;
            }
        }
        return Task.CompletedTask;
    }

    private static readonly Dictionary<string, string> IdParameters = new()
    {
        ["orgId"] = "The organisation; must equal the token's `org`.",
        ["userId"] = "The user.",
        ["groupId"] = "The user group.",
        ["callId"] = "The call.",
        ["sessionId"] = "The session, as answered by OpenSession.",
        ["displayId"] = "The wall display, as answered by IssueDisplay.",
    };

    private static string Who(ApiAccess access) => access switch
    {
        ApiAccess.Read => "any user of the organisation (groups: their members, and supervisors, admins and integrations).",
        ApiAccess.Presence => "the user in the path (role agent), or a supervisor, admin or integration (system).",
        ApiAccess.CallsAndQueues => "integrations only (role system).",
        ApiAccess.Displays => "admins of the organisation (role admin).",
        _ => "admins of the organisation and integrations (role admin or system).",
    };

    /// <summary>
    /// The web JSON defaults read numbers from strings too, so the generator types every number as "integer or numeric
    /// string". True for request bodies; but the gateway writes numbers only, so response documents (types named
    /// *Document, Api/ApiDocuments.cs) say just "integer".
    /// </summary>
    private static Task NumbersAsWritten(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        if (context.JsonPropertyInfo?.DeclaringType.Name.EndsWith("Document", StringComparison.Ordinal) == true &&
            schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && type.HasFlag(JsonSchemaType.String))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        return Task.CompletedTask;
    }

    /// <summary>[AllowedValues] on a property becomes the schema's enum (statuses, directions, message types).</summary>
    private static Task DescribeAllowedValues(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(AllowedValuesAttribute), inherit: true) is [AllowedValuesAttribute allowed, ..])
        {
            schema.Enum = [.. allowed.Values.Select(v => JsonValue.Create(v?.ToString())!).Cast<JsonNode>()];
        }
        return Task.CompletedTask;
    }
}
