using Microsoft.AspNetCore.Mvc;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>
/// Short-hands for the OpenAPI metadata of the REST endpoints: the problem answers they really give, and their names.
/// Metadata only: none of this changes what an endpoint does.
/// </summary>
public static class ApiMetadata
{
    public static class Tags
    {
        public const string Directory = "Directory", Presence = "Presence", Calls = "Calls", Queue = "Queue",
            Snapshots = "Snapshots", Organisations = "Organisations", Sessions = "Sessions", Displays = "Displays", Tickets = "Tickets";
    }

    /// <summary>
    /// What every REST route can answer besides its own outcomes: 400 for a malformed id in the path (validation
    /// problem), 401 without a valid token, 403 for another organisation or a role that may not call it, 500 for a
    /// fault of the service, and 503 (with Retry-After) while the gateway cannot reach the presence grid.
    /// </summary>
    public static TBuilder ProducesRouteProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), ["application/problem+json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), ["application/problem+json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status500InternalServerError, typeof(ProblemDetails), ["application/problem+json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), ["application/problem+json"]));

    /// <summary>Routes with a JSON body: 413 when it is larger than the limit (64 KiB; 32 MiB for the import), 415 when it is not sent as JSON.</summary>
    public static RouteHandlerBuilder ProducesBodyProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string tag, string name, string summary, string description) =>
        builder.WithTags(tag).WithName(name).WithSummary(summary).WithDescription(description);
}
