using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using FreedomCti.Presence.Gateway.Hosting;
using Microsoft.AspNetCore.Routing;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Registers what the REST API needs beyond its endpoints: validation, refusals with explanations, write deadlines.</summary>
public static class ApiServices
{
    public static IServiceCollection AddPresenceApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddScoped<WriteScope>();
        services.AddSingleton<WriteFilter>();
        services.AddSingleton<StuckCalls>(); // the REST writes' (the rewatch queue keeps its own)
        services.AddValidation();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiRefusals>();
        services.AddExceptionHandler<ApiBadRequests>();
        // Binding failures (not JSON, a wrong JSON type, no body, too large) are thrown to ApiBadRequests, which names the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Documents as the wire has them: times with milliseconds and "Z"; only what JSON requires escaped ("O'Brien", "+44").
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.Converters.Add(new WireTimeJsonConverter());
        });
        services.Configure<ProblemDetailsOptions>(o => o.CustomizeProblemDetails += Explain);
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(Hosting.ApiDocs.DocumentName, o =>
        {
            o.AddOperationTransformer(WriteDocs.DescribeAsync);
            o.AddSchemaTransformer(WriteDocs.DescribeTimesAsync);
        });
        return services;
    }

    /// <summary>
    /// Every problem document says why: validation errors are keyed by the field's JSON path (the validator reports C#
    /// names), and statuses the framework answers by itself get a detail.
    /// </summary>
    private static void Explain(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem is HttpValidationProblemDetails validation)
        {
            foreach (var (key, messages) in validation.Errors.ToList())
            {
                var wire = WirePath(key);
                if (wire == key) continue;
                validation.Errors.Remove(key);
                validation.Errors[wire] = messages;
            }
        }
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType => "The body must be JSON, sent with Content-Type: application/json.",
            StatusCodes.Status405MethodNotAllowed => "This path does not take that method; docs/protocol.md lists every route.",
            StatusCodes.Status404NotFound => "No such route; docs/protocol.md lists every route.",
            StatusCodes.Status400BadRequest when problem is HttpValidationProblemDetails => "The fields named in errors are not valid.",
            _ => null,
        };
    }

    /// <summary>"Users[0].DisplayName" → "users[0].displayName"; segments that are not C# names (a header's) stay as they are.</summary>
    public static string WirePath(string key) => string.Join('.', key.Split('.').Select(segment =>
        segment.Length > 0 && char.IsUpper(segment[0]) && segment.TakeWhile(c => c != '[').All(char.IsLetterOrDigit)
            ? JsonNamingPolicy.CamelCase.ConvertName(segment)
            : segment));
}
