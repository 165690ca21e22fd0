using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Presence and call REST API: what agents' desktops and the PBX integration write.</summary>
public static class PresenceEndpoints
{
    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder app)
    {
        var user = app.MapGroup("/organisation/{orgId}/user/{userId}").RequireAuthorization(PresencePolicies.SameOrganisation).ProducesRouteProblems();
        user.MapPut("/presence", SetPresenceAsync).RequireAccess(ApiAccess.Presence)
            .Describe(ApiMetadata.Tags.Presence, "SetPresence", "Set a user's presence",
                "Sets the user's chosen status and status message (left out: cleared). During a call the status stays " +
                "on_call and the chosen one becomes the status the call returns to. Answers the user document.")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        user.MapPost("/calls", StartCallAsync).RequireAccess(ApiAccess.CallsAndQueues)
            .Describe(ApiMetadata.Tags.Calls, "StartCall", "Put a user on a call",
                "Sets the status to on_call and fills in `activeCall`; `startedAt` is the gateway's clock. Repeating the " +
                "active call's id is a no-op (200); a different call while one is active answers 409.")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesBodyProblems();
        user.MapDelete("/calls/{callId}", EndCallAsync).RequireAccess(ApiAccess.CallsAndQueues)
            .Describe(ApiMetadata.Tags.Calls, "EndCall", "End a user's call",
                "Ends the active call and returns the user to the status chosen before or during it. A callId that is not " +
                "the active call (or no call at all) answers 404 \"Call not found\".")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> SetPresenceAsync(string orgId, string userId, PresenceRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId, userId: userId) is { } problem) return problem;
        if (!PresenceStatusNames.TryParse(body.Status, out var status))
        {
            return ApiProblems.Invalid("status", "status must be one of available, busy, on_call, away, dnd, offline.");
        }
        if (ApiValidation.Text(body.StatusMessage, "statusMessage", ApiValidation.MaxStatusMessageLength, required: false) is { } error)
        {
            return ApiProblems.Invalid("statusMessage", error);
        }
        var user = await api.User(orgId, userId).SetPresenceAsync(new PresenceChange(status, body.StatusMessage));
        return user is null ? ApiProblems.UserNotFound(orgId, userId) : SnapshotEndpoints.UserDocument(user, api.Clock);
    }

    private static async Task<IResult> StartCallAsync(string orgId, string userId, CallRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId, userId: userId) is { } problem) return problem;
        var errors = new Dictionary<string, string[]>();
        ApiValidation.Add(errors, "callId", ApiValidation.Id(body.CallId, "callId"));
        var direction = body.Direction switch
        {
            "inbound" => CallDirection.Inbound,
            "outbound" => CallDirection.Outbound,
            _ => (CallDirection?)null,
        };
        if (direction is null) ApiValidation.Add(errors, "direction", "direction must be inbound or outbound.");
        ApiValidation.Add(errors, "remoteParty", ApiValidation.Text(body.RemoteParty, "remoteParty", ApiValidation.MaxRemotePartyLength, required: false));
        if (errors.Count > 0) return ApiProblems.Invalid(errors);

        var call = new ActiveCall(body.CallId!, direction!.Value, body.RemoteParty, api.Clock.GetUtcNow());
        return CallAnswer(orgId, userId, await api.User(orgId, userId).StartCallAsync(call), api,
            "The user is already on another call; end it first.");
    }

    private static async Task<IResult> EndCallAsync(string orgId, string userId, string callId, ApiContext api)
    {
        if (await api.CheckAsync(orgId, userId: userId) is { } problem) return problem;
        if (ApiValidation.Id(callId, "callId") is { } error) return ApiProblems.Invalid("callId", error);
        var result = await api.User(orgId, userId).EndCallAsync(callId);
        // Ending a call that is not the active one names a resource that does not exist: 404, not 409.
        if (result.Outcome == CallOutcome.Conflict) result = result with { Outcome = CallOutcome.UnknownCall };
        return CallAnswer(orgId, userId, result, api, $"Call '{callId}' is not the user's active call.");
    }

    private static IResult CallAnswer(string orgId, string userId, CallResult result, ApiContext api, string conflict) =>
        result.Outcome switch
        {
            CallOutcome.Done => SnapshotEndpoints.UserDocument(result.User!, api.Clock),
            CallOutcome.UnknownUser => ApiProblems.UserNotFound(orgId, userId),
            CallOutcome.UnknownCall => Results.Problem(statusCode: 404, title: "Call not found", detail: conflict),
            _ => ApiProblems.Conflict("Call conflict", conflict),
        };
}
