using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Queue REST API: the ACD/PBX reports calls entering and leaving a group's queue.</summary>
public static class QueueEndpoints
{
    public static IEndpointRouteBuilder MapQueueApi(this IEndpointRouteBuilder app)
    {
        var queue = app.MapGroup("/organisation/{orgId}/user-group/{groupId}/queue/calls").RequireAuthorization(PresencePolicies.SameOrganisation);
        queue.MapPost("", EnqueueAsync).RequireAccess(ApiAccess.CallsAndQueues);
        queue.MapDelete("/{callId}", DequeueAsync).RequireAccess(ApiAccess.CallsAndQueues);
        return app;
    }

    private static async Task<IResult> EnqueueAsync(string orgId, string groupId, QueueCallRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId, groupId: groupId) is { } problem) return problem;
        if (ApiValidation.Id(body.CallId, "callId") is { } error) return ApiProblems.Invalid("callId", error);
        var metrics = await api.Group(orgId, groupId).EnqueueCallAsync(body.CallId!);
        return metrics is null ? ApiProblems.GroupNotFound(orgId, groupId) : Results.Ok(Render(metrics, api.Clock));
    }

    private static async Task<IResult> DequeueAsync(string orgId, string groupId, string callId, ApiContext api)
    {
        if (await api.CheckAsync(orgId, groupId: groupId) is { } problem) return problem;
        if (ApiValidation.Id(callId, "callId") is { } error) return ApiProblems.Invalid("callId", error);
        var group = api.Group(orgId, groupId);
        var metrics = await group.DequeueCallAsync(callId);
        if (metrics is not null) return Results.Ok(Render(metrics, api.Clock));
        return await group.GetSeqAsync() == 0
            ? ApiProblems.GroupNotFound(orgId, groupId)
            : Results.Problem(statusCode: 404, title: "Call not found", detail: $"Call '{callId}' is not waiting in this queue.");
    }

    private static object Render(QueueMetrics q, TimeProvider clock) => new
    {
        queueMetrics = new
        {
            callsWaiting = q.CallsWaiting,
            averageWaitTime = q.AverageWaitSeconds,
            longestWaitTime = q.OldestWaitingSince is { } oldest ? Protocol.WireTime.SecondsSince(oldest, clock.GetUtcNow()) : 0,
        },
    };
}
