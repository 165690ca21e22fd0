using System.Security.Cryptography;
using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Agent presence sessions over REST: open, heartbeat, log out (docs/presence-sessions.md).</summary>
/// <remarks>The same sessions can be held in-band on the agent's own user socket; see <c>SocketSessions</c>.</remarks>
public static class SessionEndpoints
{
    public const int MaxDeviceLength = 64;

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/organisation/{orgId}/user/{userId}/sessions")
            .RequireAuthorization(PresencePolicies.SameOrganisation)
            .RequireAccess(ApiAccess.Presence)
            .ProducesRouteProblems();
        sessions.MapGet("", ListAsync)
            .Describe(ApiMetadata.Tags.Sessions, "ListSessions", "List a user's presence sessions",
                "The user's live sessions (desktops, phones) with their leases.")
            .Produces<SessionListDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        sessions.MapPost("", OpenAsync).Write(takesKey: true)
            .Describe(ApiMetadata.Tags.Sessions, "OpenSession", "Open a presence session",
                "The agent's client logs in: the session holds the chosen status while heartbeats keep its lease. Answers " +
                "201 with the session and the user's resulting presence; Location is where to send heartbeats. 409 when the " +
                "organisation does not use sessions or the user holds too many. Re-opening an existing sessionId renews it; " +
                "without a sessionId, one is made (from the Idempotency-Key when one is sent, so a retry opens the same session).")
            .Produces<SessionAnswerDocument>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesBodyProblems();
        sessions.MapPost("/{sessionId}/heartbeat", HeartbeatAsync).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Sessions, "SessionHeartbeat", "Renew a session (and report status or activity)",
                "Renews the lease; an optional status changes the session's status, activity resets idle. 404 when the " +
                "session is unknown or its lease ran out: open a new one. Idempotent by its nature (a renewal), so it " +
                "takes no Idempotency-Key.")
            .Produces<SessionAnswerDocument>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesBodyProblems();
        sessions.MapDelete("/{sessionId}", LogoutAsync).Write(takesKey: true)
            .Describe(ApiMetadata.Tags.Sessions, "CloseSession", "Log a session out",
                "Ends the session at once (no grace); the user's presence follows the remaining sessions, or goes offline. " +
                "Without an Idempotency-Key a retry of a logout that was applied answers 404 (the session is gone either way).")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>A new session id: unguessable, so one agent's client cannot renew or end another's session by accident.</summary>
    public static string NewSessionId() => "s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    /// <summary>The session id a keyed open without an id gets: the same for every retry, and as hard to guess as the key.</summary>
    public static string SessionIdFor(string userId, WriteKey key) =>
        "s-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{userId}\n{key.Key}")), 0, 10);

    /// <summary>Parses a wire status, defaulting to available; null with an error message when it is not one of the six.</summary>
    public static string? ParseStatus(string? wire, out PresenceStatus status)
    {
        status = PresenceStatus.Available;
        if (wire is null) return null;
        return PresenceStatusNames.TryParse(wire, out status) ? null : "status must be one of available, busy, on_call, away, dnd, offline.";
    }

    private static async Task<IResult> ListAsync([PresenceId] string orgId, [PresenceId] string userId, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var sessions = await api.User(orgId, userId).GetSessionsAsync();
        return Results.Ok(new SessionListDocument(orgId, userId, [.. sessions.Select(s => s.Document())]));
    }

    private static async Task<IResult> OpenAsync(
        [PresenceId] string orgId, [PresenceId] string userId, SessionOpenRequest body, ApiContext api, WriteScope write)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        ParseStatus(body.Status, out var status); // validated: one of the six, or left out
        var policy = await api.Organisations.SessionPolicyAsync(orgId);
        var sessionId = body.SessionId ?? (write.Key is { } key ? SessionIdFor(userId, key) : NewSessionId());
        var open = new SessionOpen(sessionId, body.Device!.Trim(), status);
        var result = await api.User(orgId, userId).OpenSessionAsync(open, policy, write.Key, write.Deadline);
        return write.Answer(result.Key, () => Answer(orgId, userId, result, api, created: true));
    }

    private static async Task<IResult> HeartbeatAsync(
        [PresenceId] string orgId, [PresenceId] string userId, [PresenceId] string sessionId, SessionHeartbeatRequest? body, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        PresenceStatus? status = null;
        if (body?.Status is not null && PresenceStatusNames.TryParse(body.Status, out var parsed)) status = parsed; // validated
        var result = await api.User(orgId, userId).ReportSessionAsync(sessionId, new SessionReport(status, body?.Activity ?? false));
        return Answer(orgId, userId, result, api, created: false);
    }

    private static async Task<IResult> LogoutAsync(
        [PresenceId] string orgId, [PresenceId] string userId, [PresenceId] string sessionId, ApiContext api, WriteScope write)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var result = await api.User(orgId, userId).CloseSessionAsync(sessionId, SessionEnd.Logout, write.Key, write.Deadline);
        return write.Answer(result.Key, () => result.Outcome == SessionOutcome.Done ? Results.NoContent() : Answer(orgId, userId, result, api, created: false));
    }

    private static IResult Answer(string orgId, string userId, SessionResult result, ApiContext api, bool created) => result.Outcome switch
    {
        SessionOutcome.Done when result.Session is { } session && result.User is { } user => created
            ? Results.Created($"/organisation/{orgId}/user/{userId}/sessions/{session.SessionId}/heartbeat", Body(session, user, api.Clock))
            : Results.Ok(Body(session, user, api.Clock)),
        SessionOutcome.UnknownUser => ApiProblems.UserNotFound(orgId, userId),
        SessionOutcome.Disabled => ApiProblems.Conflict("Sessions are not enabled",
            $"Organisation '{orgId}' does not use presence sessions; enable them in its settings (settings.sessions.enabled)."),
        SessionOutcome.TooMany => ApiProblems.Conflict("Too many sessions",
            $"A user may hold at most {State.SessionBook.MaxSessions} sessions; log one out first."),
        _ => Results.Problem(statusCode: 404, title: "Session not found",
            detail: "No such live session: its lease may have run out. Open a new session."),
    };

    /// <summary>The session and the user's resulting presence (the same user document a snapshot holds).</summary>
    private static SessionAnswerDocument Body(SessionInfo session, UserSnapshot user, TimeProvider clock) =>
        new(session.Document(), user.Presence(clock.GetUtcNow()));
}
