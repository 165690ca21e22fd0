using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;
using Microsoft.AspNetCore.Mvc;

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
                "Idempotent per callId while the call waits. Answers the metrics as of the request; subscribers get a " +
                "group_presence_update at most about once a second per group. A call still waiting after the organisation's " +
                "maxQueueWaitSeconds leaves by itself with reason expired.")
            .Produces<QueueDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        queue.MapDelete("/{callId}", DequeueAsync).RequireAccess(ApiAccess.CallsAndQueues).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Queue, "DequeueCall", "Remove a call from a group's queue",
                "The call left the queue; `?reason=answered` or `abandoned` says why (left out: unspecified). All three count " +
                "towards averageWaitTime. Idempotent per callId: a call that already left (also by expiring) answers its " +
                "original departure with `repeated: true` for 15 minutes. 404 for an unknown group or a call it never had.")
            .Produces<QueueLeaveDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> EnqueueAsync([PresenceId] string orgId, [PresenceId] string groupId, QueueCallRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var maxWait = (await api.Organisations.GetAsync(orgId))?.Settings.QueueWaitLimit ?? OrganisationSettings.DefaultMaxQueueWait;
        var metrics = await api.Group(orgId, groupId).EnqueueCallAsync(body.CallId!, maxWait);
        return metrics is null ? ApiProblems.GroupNotFound(orgId, groupId) : Results.Ok(Render(metrics, api.Clock));
    }

    private static async Task<IResult> DequeueAsync([PresenceId] string orgId, [PresenceId] string groupId, [PresenceId] string callId, [FromQuery] string? reason, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        QueueExit? exit = reason switch
        {
            null => QueueExit.Unspecified,
            "answered" => QueueExit.Answered,
            "abandoned" => QueueExit.Abandoned,
            _ => null,
        };
        if (exit is null) return ApiProblems.Invalid("reason", "reason must be answered or abandoned (or left out).");
        var group = api.Group(orgId, groupId);
        if (await group.LeaveQueueAsync(callId, exit.Value) is { } left)
        {
            var d = left.Departure;
            return Results.Ok(new QueueLeaveDocument(Metrics(left.Metrics, api.Clock),
                new QueueDepartureDocument(d.CallId, ReasonName(d.Reason), (int)Math.Floor(d.WaitSeconds), d.LeftAt.ToWire()), left.Repeated));
        }
        return await group.GetSeqAsync() == 0
            ? ApiProblems.GroupNotFound(orgId, groupId)
            : Results.Problem(statusCode: 404, title: "Call not found", detail: $"Call '{callId}' is not waiting in this queue, nor did it leave it recently.");
    }

    private static string ReasonName(QueueExit reason) => reason switch
    {
        QueueExit.Answered => "answered",
        QueueExit.Abandoned => "abandoned",
        QueueExit.Expired => "expired",
        _ => "unspecified",
    };

    private static QueueDocument Render(QueueMetrics q, TimeProvider clock) => new(Metrics(q, clock));

    private static QueueMetricsDocument Metrics(QueueMetrics q, TimeProvider clock) => q.Document(clock.GetUtcNow());
}
