using System.Collections;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>
/// Explains the refusals ASP.NET Core makes while reading a request: a body that is not JSON, a field of the wrong
/// JSON type (named, like a validation error), a missing body (400), a body over the limit (413). The route handlers
/// throw these (RouteHandlerOptions.ThrowOnBadRequest) so that they land here instead of as a bare status.
/// </summary>
public sealed class ApiBadRequests(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted) return false;
        // The exception handler clears the request's endpoint before handlers run; its feature keeps the one that threw.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var requestType = endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        ProblemDetails problem = bad switch
        {
            { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Title = "Content Too Large",
                Detail = "The body is larger than this route accepts: 64 KiB (Limits:MaxRequestBodyBytes), 32 MiB for the directory import.",
            },
            { InnerException: JsonException json } => Json(json, requestType),
            { StatusCode: StatusCodes.Status400BadRequest } when bad.Message.Contains("no body", StringComparison.OrdinalIgnoreCase) =>
                new ProblemDetails { Title = "Bad Request", Detail = "This route needs a JSON body." },
            _ => new ProblemDetails { Title = "Bad Request", Detail = "The request could not be read." },
        };
        problem.Status = bad.StatusCode;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>A value of the wrong JSON type names its field; anything else is a body that is not JSON, with where it broke.</summary>
    private static ProblemDetails Json(JsonException json, Type? requestType)
    {
        var path = json.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
        if (path is not null && json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            var field = path.Split('.')[^1];
            var expected = Describe(TypeAt(requestType, path));
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [path] = [$"{field} must be {expected}."] });
        }
        var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine})" : "";
        return new ProblemDetails { Title = "Bad Request", Detail = $"The body is not valid JSON{where}." };
    }

    /// <summary>The .NET type a JSON path such as <c>users[2].capabilities.canTransfer</c> binds to, or null.</summary>
    public static Type? TypeAt(Type? root, string path)
    {
        var type = root;
        foreach (var segment in path.Split('.'))
        {
            var name = segment;
            var indexes = 0;
            while (name.EndsWith(']') && name.LastIndexOf('[') is var open and > 0)
            {
                name = name[..open];
                indexes++;
            }
            var property = type?.GetProperties().FirstOrDefault(p => string.Equals(WireName.Of(p.Name), name, StringComparison.Ordinal));
            type = property?.PropertyType;
            for (var i = 0; i < indexes && type is not null; i++) type = ElementType(type);
        }
        return type;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() : type.GetInterfaces().Concat([type])
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static string Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "of another JSON type",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) => "an array",
            _ => "an object",
        };
    }
}
