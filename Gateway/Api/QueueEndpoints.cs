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
                "The call left the queue; `?reason=answered` or `abandoned` says why (left out: unspecified), and with answered " +
                "`&answeredBy={userId}` who took it. All three count towards averageWaitTime; answered and abandoned make " +
                "queueMetrics' window and today figures (abandon rate, service level). Idempotent per callId: a call that already left (also by expiring) answers its " +
                "original departure with `repeated: true` for 15 minutes. 404 for an unknown group or a call it never had.")
            .Produces<QueueLeaveDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPut("/organisation/{orgId}/user-group/{groupId}/queue/settings", PutSettingsAsync)
            .RequireAuthorization(PresencePolicies.SameOrganisation).ProducesRouteProblems()
            .RequireAccess(ApiAccess.CallsAndQueues).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Queue, "SetQueueSettings", "Set a group's service-level threshold",
                "serviceLevelThresholdSeconds (default 20): a call answered after waiting at most this long counts towards " +
                "queueMetrics' serviceLevel. Applies to calls answered afterwards; calls already counted keep how they counted.")
            .Produces<QueueDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        return app;
    }

    private static async Task<IResult> EnqueueAsync([PresenceId] string orgId, [PresenceId] string groupId, QueueCallRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var maxWait = (await api.Organisations.GetAsync(orgId))?.Settings.QueueWaitLimit ?? OrganisationSettings.DefaultMaxQueueWait;
        var metrics = await api.Group(orgId, groupId).EnqueueCallAsync(body.CallId!, maxWait);
        return metrics is null ? ApiProblems.GroupNotFound(orgId, groupId) : Results.Ok(Render(metrics, api.Clock));
    }

    private static async Task<IResult> DequeueAsync([PresenceId] string orgId, [PresenceId] string groupId, [PresenceId] string callId,
        [FromQuery] string? reason, [FromQuery] string? answeredBy, ApiContext api)
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
        if (answeredBy is not null)
        {
            if (!PresenceIds.IsValid(answeredBy)) return ApiProblems.Invalid("answeredBy", PresenceIdAttribute.Message("answeredBy"));
            if (exit != QueueExit.Answered) return ApiProblems.Invalid("answeredBy", "answeredBy goes with reason=answered only.");
        }
        // The organisation's time zone and window travel with each departure: the group computes its figures under them.
        var terms = (await api.Organisations.GetAsync(orgId))?.Settings.QueueTerms ?? QueueTerms.Default;
        var group = api.Group(orgId, groupId);
        if (await group.LeaveQueueAsync(callId, exit.Value, answeredBy, terms) is { } left)
        {
            var d = left.Departure;
            return Results.Ok(new QueueLeaveDocument(Metrics(left.Metrics, api.Clock),
                new QueueDepartureDocument(d.CallId, ReasonName(d.Reason), (int)Math.Floor(d.WaitSeconds), d.LeftAt.ToWire(), d.AnsweredBy), left.Repeated));
        }
        return await group.GetSeqAsync() == 0
            ? ApiProblems.GroupNotFound(orgId, groupId)
            : Results.Problem(statusCode: 404, title: "Call not found", detail: $"Call '{callId}' is not waiting in this queue, nor did it leave it recently.");
    }

    private static async Task<IResult> PutSettingsAsync([PresenceId] string orgId, [PresenceId] string groupId, QueueSettingsRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var metrics = await api.Group(orgId, groupId).SetServiceLevelThresholdAsync(body.ServiceLevelThresholdSeconds!.Value);
        return metrics is null ? ApiProblems.GroupNotFound(orgId, groupId) : Results.Ok(Render(metrics, api.Clock));
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
