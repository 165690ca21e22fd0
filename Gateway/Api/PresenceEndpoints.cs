using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Presence and call REST API: what agents' desktops and the PBX integration write.</summary>
/// <remarks>
/// Each write takes an Idempotency-Key and is bounded by the write deadline (<see cref="WriteFilter"/>); the user
/// grain stores the key with the change, so a retry is answered from its record instead of applied again.
/// </remarks>
public static class PresenceEndpoints
{
    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder app)
    {
        var user = app.MapGroup("/organisation/{orgId}/user/{userId}").RequireAuthorization(PresencePolicies.SameOrganisation).ProducesRouteProblems();
        user.MapPut("/presence", SetPresenceAsync).RequireAccess(ApiAccess.Presence).Write(takesKey: true)
            .Describe(ApiMetadata.Tags.Presence, "SetPresence", "Set a user's presence",
                "Sets the user's chosen status and status message (left out: cleared). During a call the status stays " +
                "on_call and the chosen one becomes the status the call returns to. Answers the user document.")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        user.MapPost("/calls", StartCallAsync).RequireAccess(ApiAccess.CallsAndQueues).Write(takesKey: true)
            .Describe(ApiMetadata.Tags.Calls, "StartCall", "Put a user on a call",
                "Sets the status to on_call and fills in `activeCall`; `startedAt` is the gateway's clock. Repeating the " +
                "active call's id is a no-op (200); a different call while one is active answers 409.")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesBodyProblems();
        user.MapDelete("/calls/{callId}", EndCallAsync).RequireAccess(ApiAccess.CallsAndQueues).Write(takesKey: true)
            .Describe(ApiMetadata.Tags.Calls, "EndCall", "End a user's call",
                "Ends the active call and returns the user to the status chosen before or during it. A callId that is not " +
                "the active call (or no call at all) answers 404 \"Call not found\"; after a call ended, only a retry with " +
                "the same Idempotency-Key answers 200 again.")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> SetPresenceAsync(
        [PresenceId] string orgId, [PresenceId] string userId, PresenceRequest body, ApiContext api, WriteScope write)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        PresenceStatusNames.TryParse(body.Status, out var status); // validated: one of the six
        var result = await api.User(orgId, userId).SetPresenceAsync(new PresenceChange(status, body.StatusMessage), write.Key, write.Deadline);
        return UserAnswer(orgId, userId, result, api, write, "");
    }

    private static async Task<IResult> StartCallAsync(
        [PresenceId] string orgId, [PresenceId] string userId, CallRequest body, ApiContext api, WriteScope write)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var direction = body.Direction == "inbound" ? CallDirection.Inbound : CallDirection.Outbound; // validated
        var call = new ActiveCall(body.CallId!, direction, body.RemoteParty, api.Clock.GetUtcNow());
        var result = await api.User(orgId, userId).StartCallAsync(call, write.Key, write.Deadline);
        return UserAnswer(orgId, userId, result, api, write, "The user is already on another call; end it first.");
    }

    private static async Task<IResult> EndCallAsync(
        [PresenceId] string orgId, [PresenceId] string userId, [PresenceId] string callId, ApiContext api, WriteScope write)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var result = await api.User(orgId, userId).EndCallAsync(callId, write.Key, write.Deadline);
        // Ending a call that is not the active one names a resource that does not exist: 404, not 409.
        if (result.Outcome == CallOutcome.Conflict) result = result with { Outcome = CallOutcome.UnknownCall };
        return UserAnswer(orgId, userId, result, api, write, $"Call '{callId}' is not the user's active call.");
    }

    /// <summary>The answer to a user write: the user document (the current one on a replay), or the problem of its outcome.</summary>
    private static IResult UserAnswer(string orgId, string userId, UserWriteResult result, ApiContext api, WriteScope write, string refusal) =>
        write.Answer(result.Key, () => result switch
        {
            { Outcome: CallOutcome.Done, User: { } user } => SnapshotEndpoints.UserDocument(user, api.Clock),
            { Outcome: CallOutcome.Done or CallOutcome.UnknownUser } => ApiProblems.UserNotFound(orgId, userId),
            { Outcome: CallOutcome.UnknownCall } => Results.Problem(statusCode: 404, title: "Call not found", detail: refusal),
            _ => ApiProblems.Conflict("Call conflict", refusal),
        });
}
