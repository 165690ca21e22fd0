using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Queue REST API: the ACD/PBX reports calls entering and leaving a group's queue.</summary>
public static class QueueEndpoints
{
    public static IEndpointRouteBuilder MapQueueApi(this IEndpointRouteBuilder app)
    {
        var queue = app.MapGroup("/organisation/{orgId}/user-group/{groupId}/queue/calls").RequireAuthorization(PresencePolicies.SameOrganisation)
            .ProducesRouteProblems();
        queue.MapPost("", EnqueueAsync).RequireAccess(ApiAccess.CallsAndQueues).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Queue, "EnqueueCall", "Add a waiting call to a group's queue",
                "Idempotent per callId. Answers the metrics as of the request; subscribers get a group_presence_update at " +
                "most about once a second per group.")
            .Produces<QueueDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        queue.MapDelete("/{callId}", DequeueAsync).RequireAccess(ApiAccess.CallsAndQueues).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Queue, "DequeueCall", "Remove a call from a group's queue",
                "The call left the queue, answered or abandoned; both count towards averageWaitTime. 404 for an unknown " +
                "group or a call that is not waiting.")
            .Produces<QueueDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> EnqueueAsync([PresenceId] string orgId, [PresenceId] string groupId, QueueCallRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var metrics = await api.Group(orgId, groupId).EnqueueCallAsync(body.CallId!);
        return metrics is null ? ApiProblems.GroupNotFound(orgId, groupId) : Results.Ok(Render(metrics, api.Clock));
    }

    private static async Task<IResult> DequeueAsync([PresenceId] string orgId, [PresenceId] string groupId, [PresenceId] string callId, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var group = api.Group(orgId, groupId);
        var metrics = await group.DequeueCallAsync(callId);
        if (metrics is not null) return Results.Ok(Render(metrics, api.Clock));
        return await group.GetSeqAsync() == 0
            ? ApiProblems.GroupNotFound(orgId, groupId)
            : Results.Problem(statusCode: 404, title: "Call not found", detail: $"Call '{callId}' is not waiting in this queue.");
    }

    private static QueueDocument Render(QueueMetrics q, TimeProvider clock) => new(q.Document(clock.GetUtcNow()));
}
