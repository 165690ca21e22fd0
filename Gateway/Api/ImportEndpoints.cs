using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>
/// Bulk directory imports as jobs: <c>PUT …/directory</c> (validated in <see cref="DirectoryEndpoints"/>) starts an
/// import job grain and answers 200 with the summary if it finishes within <see cref="SyncWait"/>, else 202 with the
/// job's Location; <c>GET …/directory/imports/{jobId}</c> reports its progress.
/// </summary>
/// <remarks>
/// The job runs in the grid in bounded steps (ImportJobGrain), so no call waits for a whole large import and a client's
/// response timeout cannot cut it short. <c>Prefer: respond-async</c> (RFC 7240) asks for the 202 at once.
/// </remarks>
public static class ImportEndpoints
{
    /// <summary>How long a PUT waits for its import before answering 202: small imports keep their one-call 200.</summary>
    public static readonly TimeSpan SyncWait = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder app)
    {
        var org = app.MapGroup("/organisation/{orgId}").RequireAuthorization(PresencePolicies.SameOrganisation).ProducesRouteProblems();
        org.MapGet("/directory/imports/{jobId}", GetJobAsync).RequireAccess(ApiAccess.Directory)
            .Describe(ApiMetadata.Tags.Directory, "GetImportJob", "Read a directory import's progress",
                "The state of an import started by PUT /organisation/{orgId}/directory (validating, running, succeeded, " +
                "failed), users and groups done of their totals, unknown members and step errors, and its times. 404 for an " +
                "unknown job.")
            .Produces<ImportJobDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Starts the validated import as a job and answers as described on the type.</summary>
    public static async Task<IResult> StartAsync(string orgId, DirectoryImport import, HttpContext http, ApiContext api)
    {
        var jobId = Guid.NewGuid().ToString("N");
        var job = api.Grains.GetGrain<IImportJobGrain>(PresenceIds.Key(orgId, jobId));
        ImportJobStatus status;
        try
        {
            status = await job.StartAsync(import);
        }
        catch (TimeoutException)
        {
            // Storing a large import may outlast the client's response timeout while the grid goes on and starts the job:
            // a job that exists is answered as started (202 below); one that does not fails as any call (503).
            if (await job.GetStatusAsync() is not { } started) throw;
            status = started;
        }
        var location = $"/organisation/{orgId}/directory/imports/{jobId}";
        if (!RespondAsync(http.Request))
        {
            status = await job.WaitAsync(SyncWait) ?? status;
        }
        switch (status.State)
        {
            case ImportJobState.Succeeded:
                http.Response.Headers.ContentLocation = location;
                return Results.Ok(new ImportResultDocument(status.UsersTotal, status.GroupsTotal, status.Memberships));
            case ImportJobState.Failed when !status.UnknownMembers.IsEmpty:
                return ApiProblems.UnknownMembers(status.UnknownMembers);
            default:
                http.Response.Headers.RetryAfter = "1";
                return Results.Accepted(location, Document(orgId, status, api.Clock));
        }
    }

    private static async Task<IResult> GetJobAsync(string orgId, string jobId, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        if (!IsJobId(jobId)) return ApiProblems.Invalid("jobId", "jobId must be the 32 hexadecimal digits of a job's Location.");
        var status = await api.Grains.GetGrain<IImportJobGrain>(PresenceIds.Key(orgId, jobId)).GetStatusAsync();
        return status is null
            ? Results.Problem(statusCode: 404, title: "Import not found", detail: $"Import '{jobId}' does not exist in organisation '{orgId}'.")
            : Results.Ok(Document(orgId, status, api.Clock));
    }

    private static bool RespondAsync(HttpRequest request) =>
        request.Headers["Prefer"].Any(v => v is not null && v.Split(',').Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)));

    private static bool IsJobId(string jobId) => jobId.Length == 32 && jobId.All(char.IsAsciiHexDigitLower);

    private static ImportJobDocument Document(string orgId, ImportJobStatus s, TimeProvider clock) => new(
        s.JobId,
        orgId,
        s.State switch
        {
            ImportJobState.Validating => "validating",
            ImportJobState.Running => "running",
            ImportJobState.Succeeded => "succeeded",
            _ => "failed",
        },
        new ImportCountDocument(s.UsersDone, s.UsersTotal),
        new ImportCountDocument(s.GroupsDone, s.GroupsTotal),
        s.Memberships,
        s.UnknownMembers.IsEmpty ? [] : [$"These users do not exist in the organisation: {string.Join(", ", s.UnknownMembers.Take(20))}."],
        [.. s.Errors],
        s.CreatedAt.ToWire(),
        s.UpdatedAt.ToWire(),
        s.FinishedAt?.ToWire(),
        (long)((s.FinishedAt ?? clock.GetUtcNow()) - s.CreatedAt).TotalMilliseconds,
        s.Resumes);
}
