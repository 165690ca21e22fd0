using System.ComponentModel;
using System.Security.Claims;
using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>
/// Wall displays (docs/security.md, "Wall displays"): admins issue a credential per board, list and revoke them; a board
/// exchanges its credential for a short-lived read-only token (POST /display/token, no bearer token: the credential is
/// the proof). Socket tickets (POST …/socket-tickets) let a browser open its socket without a token in the URL.
/// </summary>
public static class DisplayEndpoints
{
    public const string TokenPath = "/display/token";
    public const int MaxGroupsPerDisplay = 50;

    /// <summary>Problem types a board tells apart: its display was revoked, or its credential is not one.</summary>
    public const string RevokedType = "urn:freedomcti:problem:display-revoked", InvalidType = "urn:freedomcti:problem:display-credential-invalid";

    public static IEndpointRouteBuilder MapDisplayApi(this IEndpointRouteBuilder app)
    {
        var org = app.MapGroup("/organisation/{orgId}").RequireAuthorization(PresencePolicies.SameOrganisation).ProducesRouteProblems();
        org.MapPost("/displays", IssueAsync).RequireAccess(ApiAccess.Displays).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Displays, "IssueDisplay", "Issue a wall display's credential",
                "Makes a credential for one wall display, read-only and limited to `groups` (left out or empty: every group " +
                "of the organisation). The answer holds the `credential` this once: only its hash is stored. Give it to the " +
                "board as `/wallboard/{orgId}/{groupId}#display={credential}`; the board keeps it and exchanges it for " +
                "short-lived tokens (`POST /display/token`). 501 when the gateway has no signing key of its own (`Auth:Authority`).")
            .Produces<DisplayIssuedDocument>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status501NotImplemented).ProducesBodyProblems();
        org.MapGet("/displays", ListAsync).RequireAccess(ApiAccess.Displays)
            .Describe(ApiMetadata.Tags.Displays, "ListDisplays", "List the wall displays",
                "Every display issued for the organisation, revoked ones included, without their credentials.")
            .Produces<DisplayListDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        org.MapDelete("/displays/{displayId}", RevokeAsync).RequireAccess(ApiAccess.Displays).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Displays, "RevokeDisplay", "Revoke a wall display",
                "From now on, on every gateway, the credential gets no token (401, problem type " +
                $"`{RevokedType}`); a board that holds a token stops within `Auth:DisplayTokenLifetime` (5 minutes) at most, " +
                "and at its next renewal (about half of that) in practice. Revoking again answers 204 too.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPost("/socket-tickets", TicketAsync).RequireAccess(ApiAccess.Read).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Tickets, "IssueSocketTicket", "Get a single-use socket ticket",
                "A ticket for opening one WebSocket of this organisation as the caller: `?ticket=` on the upgrade instead of " +
                "`?access_token=`, so the token never appears in a URL. Used once, within `Auth:SocketTicketLifetime` (30 s); " +
                "the socket then lives until the token's expiry, which `refresh_token` moves as usual.")
            .Produces<SocketTicketDocument>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost(TokenPath, ExchangeAsync).AllowAnonymous().WithMetadata(AnonymousApiMetadata.Instance)
            .Describe(ApiMetadata.Tags.Displays, "ExchangeDisplayCredential", "Exchange a display credential for a token",
                "No bearer token: the credential in the body is the proof (never put it in a URL). Answers a read-only access " +
                "token for the display (role `display`, its groups in claim `grp`) that lives `Auth:DisplayTokenLifetime` " +
                $"(5 minutes); ask again before `expiresAt`. 401 for a credential that is not valid, with problem type `{InvalidType}`, " +
                $"or that was revoked, `{RevokedType}`. Handshake-limited per source address (429).")
            .Produces<DisplayTokenDocument>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status501NotImplemented).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesBodyProblems();
        return app;
    }

    private static IDisplayRegistryGrain Registry(ApiContext api, string orgId) => api.Grains.GetGrain<IDisplayRegistryGrain>(orgId);

    private static IResult NoSigningKey() => Results.Problem(statusCode: 501, title: "Display credentials not available",
        detail: "This gateway takes its tokens from an OpenID Connect authority (Auth:Authority) and has no key to sign display tokens with. " +
                "Give wall displays a device identity at the provider instead.");

    private static async Task<IResult> IssueAsync([PresenceId] string orgId, DisplayRequest body, HttpContext http, ApiContext api, DisplayTokens tokens)
    {
        if (!tokens.Available) return NoSigningKey();
        var groups = (body.Groups ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (groups.FirstOrDefault(g => !PresenceIds.IsValid(g)) is { } bad)
        {
            return ApiProblems.Invalid("groups", $"groups contains an invalid group id '{(bad is null ? "null" : bad.Length > 32 ? bad[..32] + "…" : bad)}'.");
        }
        if (groups.Count > MaxGroupsPerDisplay) return ApiProblems.Invalid("groups", $"A display shows at most {MaxGroupsPerDisplay} groups.");
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        foreach (var groupId in groups)
        {
            if (await api.Group(orgId, groupId!).GetSnapshotAsync() is null) return ApiProblems.GroupNotFound(orgId, groupId!);
        }

        var caller = PresenceCaller.From(http.User)!;
        var (displayId, credential, hash) = DisplayCredentials.Create(orgId);
        var display = new DisplayRegistration(displayId, body.Name!.Trim(), [.. groups.Order(StringComparer.Ordinal)!], hash,
            api.Clock.GetUtcNow(), caller.UserId);
        if (!await Registry(api, orgId).RegisterAsync(display))
        {
            return ApiProblems.Conflict("Too many displays",
                $"The organisation holds {DisplayRegistration.MaxPerOrganisation} displays (revoked ones included); no more can be issued.");
        }
        var document = Document(display);
        return Results.Created($"/organisation/{orgId}/displays/{displayId}", new DisplayIssuedDocument(
            document.DisplayId, document.Name, document.Groups, document.CreatedAt, document.CreatedBy, credential));
    }

    private static async Task<IResult> ListAsync([PresenceId] string orgId, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var displays = await Registry(api, orgId).ListAsync();
        return Results.Ok(new DisplayListDocument(orgId, [.. displays.OrderBy(d => d.CreatedAt).Select(Document)]));
    }

    private static async Task<IResult> RevokeAsync([PresenceId] string orgId, [PresenceId] string displayId, HttpContext http, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var caller = PresenceCaller.From(http.User)!;
        var revoked = await Registry(api, orgId).RevokeAsync(displayId, caller.UserId, api.Clock.GetUtcNow());
        return revoked is null
            ? Results.Problem(statusCode: 404, title: "Display not found", detail: $"Display '{displayId}' does not exist in organisation '{orgId}'.")
            : Results.NoContent();
    }

    private static async Task<IResult> TicketAsync([PresenceId] string orgId, HttpContext http, ApiContext api, SocketTickets tickets)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var caller = PresenceCaller.From(http.User)!;
        // The bearer handler validated the token; its expiry bounds the ticket and the socket.
        var exp = http.User.FindFirst("exp")?.Value;
        var tokenExpiresAt = long.TryParse(exp, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : api.Clock.GetUtcNow();
        var (ticket, expiresAt) = await tickets.IssueAsync(caller, tokenExpiresAt);
        return Results.Json(new SocketTicketDocument(ticket, expiresAt), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ExchangeAsync(DisplayTokenRequest body, ApiContext api, DisplayTokens tokens)
    {
        if (!tokens.Available) return NoSigningKey();
        if (DisplayCredentials.Parse(body.Credential) is not var (orgId, displayId, hash)) return Invalid();
        var display = await Registry(api, orgId).VerifyAsync(displayId, hash);
        if (display is null) return Invalid();
        if (display.IsRevoked)
        {
            return Results.Problem(statusCode: 401, title: "Display revoked", type: RevokedType,
                detail: $"Display '{display.Name}' ({display.DisplayId}) was revoked at {display.RevokedAt:O}. An admin of the organisation must issue a new credential.");
        }
        var (token, expiresAt) = tokens.Issue(orgId, display);
        return Results.Ok(new DisplayTokenDocument(token, "Bearer", expiresAt, orgId, display.DisplayId, display.Name, [.. display.Groups]));
    }

    private static IResult Invalid() => Results.Problem(statusCode: 401, title: "Display credential not valid", type: InvalidType,
        detail: "This is not a display credential of any display; ask an admin of the organisation for one.");

    private static DisplayDocument Document(DisplayRegistration d) =>
        new(d.DisplayId, d.Name, [.. d.Groups], d.CreatedAt, d.CreatedBy, d.RevokedAt, d.RevokedBy);
}

public sealed record DisplayRequest(
    [property: RequiredField, MaxChars(ApiValidation.MaxNameLength), Description("Where the board hangs, e.g. \"Sales floor, east wall\"; trimmed.")] string? Name,
    [property: Description("The groups the display may show (at most 50); left out or empty: every group of the organisation.")] List<string?>? Groups = null);

public sealed record DisplayTokenRequest(
    [property: RequiredField, MaxChars(200), Description("The credential IssueDisplay answered: fcd_{orgId}:{displayId}:{secret}.")] string? Credential);

[Description("A wall display, without its credential.")]
public sealed record DisplayDocument(
    string DisplayId, string Name,
    [property: Description("The groups it may show; empty: every group of the organisation.")] IReadOnlyList<string> Groups,
    DateTimeOffset CreatedAt,
    [property: Description("The sub of the admin who issued it.")] string CreatedBy,
    [property: Description("Null while it is valid.")] DateTimeOffset? RevokedAt,
    string? RevokedBy);

[Description("A display just issued, with its credential: shown this once, only its hash is kept.")]
public sealed record DisplayIssuedDocument(
    string DisplayId, string Name, IReadOnlyList<string> Groups, DateTimeOffset CreatedAt, string CreatedBy,
    [property: Description("fcd_{orgId}:{displayId}:{secret}. Keep it like a password; revoke the display if it leaks.")] string Credential);

public sealed record DisplayListDocument(string OrgId, IReadOnlyList<DisplayDocument> Displays);

[Description("A display's read-only access token.")]
public sealed record DisplayTokenDocument(
    [property: Description("A JWT: sub the display id, role display, grp its groups.")] string AccessToken,
    string TokenType,
    [property: Description("When the token expires; ask for the next one before.")] DateTimeOffset ExpiresAt,
    string OrgId, string DisplayId, string Name, IReadOnlyList<string> Groups);

[Description("A single-use ticket for opening one socket: ?ticket= on the upgrade.")]
public sealed record SocketTicketDocument(
    string Ticket,
    [property: Description("Use it before this; once.")] DateTimeOffset ExpiresAt);
