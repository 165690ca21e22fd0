using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>
/// What the OpenAPI document says of writes, from the same metadata <see cref="WriteFilter"/> acts on: the
/// Idempotency-Key header where a route takes it, Idempotent-Replayed on its success answers, and Retry-After on 503.
/// </summary>
public static class WriteDocs
{
    /// <summary>Times are written by <see cref="WireTimeJsonConverter"/>, which hides their type from the generator: say it again.</summary>
    public static Task DescribeTimesAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }
        return Task.CompletedTask;
    }

    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var write = context.Description.ActionDescriptor.EndpointMetadata.OfType<WriteMetadata>().FirstOrDefault();
        if (operation.Responses?.TryGetValue("503", out var unavailable) == true && unavailable is OpenApiResponse busy)
        {
            busy.Description = write is not { Bounded: true }
                ? "The gateway cannot reach the presence grid; retry after Retry-After."
                : "The write was not confirmed in time (Api:WriteTimeout) or a grid call failed mid-write: it may or may not have " +
                  "been applied. Retry after Retry-After, with the same Idempotency-Key to learn its outcome.";
            busy.Headers ??= new Dictionary<string, IOpenApiHeader>();
            busy.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before retrying (Api:RetryAfterSeconds).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
        }
        if (operation.Responses?.TryGetValue("429", out var limited) == true && limited is OpenApiResponse queueFull)
        {
            queueFull.Description = "The organisation already has Limits:MaxConcurrentWritesPerOrg writes in flight on this gateway and " +
                                    "Limits:QueuedWritesPerOrg waiting; nothing was applied. Retry after Retry-After.";
            queueFull.Headers ??= new Dictionary<string, IOpenApiHeader>();
            queueFull.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before retrying (1-5, jittered).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
        }
        if (write is not { TakesKey: true }) return Task.CompletedTask;

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = WriteScope.KeyHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Makes a retry safe: the user grain stores the key with the write, so the same key with the same request " +
                          "within an hour answers the first outcome (marked Idempotent-Replayed) instead of applying it again; the " +
                          "same key with another request answers 422. 1-128 visible ASCII characters; a UUID is a good key.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128 },
        });
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.StartsWith('2') && response is OpenApiResponse success)
            {
                success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                success.Headers[WriteScope.ReplayedHeader] = new OpenApiHeader
                {
                    Description = "\"true\" when the answer is a replay of an earlier request with the same Idempotency-Key; the body " +
                                  "is then the current state.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }
        return Task.CompletedTask;
    }
}
