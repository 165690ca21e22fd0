using Microsoft.AspNetCore.Mvc;
using System.Collections.Immutable;
using FreedomCti.Presence.Gateway.Security;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Directory REST API: organisations, users, groups and their members, and the bulk import.</summary>
public static class DirectoryEndpoints
{
    /// <summary>Bulk imports are the one large body we accept (tens of thousands of users).</summary>
    public const long MaxImportBytes = 32 * 1024 * 1024;

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        var org = app.MapGroup("/organisation/{orgId}").RequireAuthorization(PresencePolicies.SameOrganisation).ProducesRouteProblems();
        org.MapGet("", GetOrganisationAsync).RequireAccess(ApiAccess.Read)
            .Describe(ApiMetadata.Tags.Organisations, "GetOrganisation", "Read an organisation",
                "The organisation's name and settings.")
            .Produces<OrganisationDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPut("", PutOrganisationAsync).RequireAccess(ApiAccess.Directory).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Organisations, "PutOrganisation", "Create or rename an organisation",
                "Creates the organisation or updates its name. Settings merge: each setting left out (or the whole `settings` " +
                "object) keeps its current value; `sessions`, when sent, replaces the session rules as a whole. A new " +
                "`maxConnections` applies to new sockets: at once on this gateway, within 30 seconds on the others. Creating " +
                "one needs an admin or system token whose `org` is the new organisation's id.")
            .Produces<OrganisationDocument>().ProducesBodyProblems();
        org.MapGet("/user-group", ListGroupsAsync).RequireAccess(ApiAccess.Read)
            .Describe(ApiMetadata.Tags.Directory, "ListGroups", "List the organisation's groups",
                "The groups a wallboard's picker offers, ordered by id: every group for supervisors, admins and " +
                "integrations; only their own groups for agents.")
            .Produces<GroupListDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPut("/user/{userId}", PutUserAsync).RequireAccess(ApiAccess.Directory).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Directory, "PutUser", "Create a user or update its profile",
                "A new user starts offline; an existing one keeps its presence. Answers the user document, as a " +
                "subscriber's snapshot.")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        org.MapDelete("/user/{userId}", DeleteUserAsync).RequireAccess(ApiAccess.Directory).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Directory, "DeleteUser", "Delete a user",
                "Deletes the user and removes it from every group. Its subscribers are closed with 4002; its groups send a " +
                "group_presence_update.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPut("/user-group/{groupId}", PutGroupAsync).RequireAccess(ApiAccess.Directory).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Directory, "PutGroup", "Create a group or replace it",
                "Defines the group with exactly these members (none when `members` is left out). Unknown members answer " +
                "400 with `errors.members` and change nothing.")
            .Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        org.MapDelete("/user-group/{groupId}", DeleteGroupAsync).RequireAccess(ApiAccess.Directory).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Directory, "DeleteGroup", "Delete a group",
                "Group subscribers are closed with 4005.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPost("/user-group/{groupId}/members", AddMembersAsync).RequireAccess(ApiAccess.Directory).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Directory, "AddGroupMembers", "Add members to a group",
                "Adds existing users of the organisation; unknown users answer 400 with `errors.members`.")
            .Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        org.MapDelete("/user-group/{groupId}/members/{userId}", RemoveMemberAsync).RequireAccess(ApiAccess.Directory).Write(takesKey: false)
            .Describe(ApiMetadata.Tags.Directory, "RemoveGroupMember", "Remove a member from a group",
                "Removing an existing user who is not a member answers 200. An agent taken out of a group has its sockets " +
                "on the group closed with 4006.")
            .Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPut("/directory", ImportAsync).RequireAccess(ApiAccess.Directory).Write(takesKey: false, bounded: false)
            .WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes))
            .Describe(ApiMetadata.Tags.Directory, "ImportDirectory", "Bulk import users and groups",
                "Creates or updates every user, then defines every group with exactly its listed members. Idempotent; the " +
                "body may be up to 32 MiB. Everything is validated first (errors keyed `users[i].field`, `groups[i].field`, " +
                "`members`); on any error nothing is written. Runs as a job: 200 with the counts if it finished within 2 s, " +
                "else 202 with the job's Location (GET it for progress); `Prefer: respond-async` asks for the 202 at once.")
            .Produces<ImportResultDocument>().Produces<ImportJobDocument>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        return app;
    }

    private static async Task<IResult> PutOrganisationAsync([PresenceId] string orgId, OrganisationRequest body, ApiContext api)
    {
        var organisation = api.Grains.GetGrain<IOrganisationGrain>(orgId);
        // Settings merge: read what is stored and change only what was sent (the grain replaces settings as a whole).
        var current = body.Settings is null ? null : (await organisation.GetAsync())?.Settings;
        var settings = SessionSettings.Merge(current, body.Settings);
        var info = await organisation.UpsertAsync(body.Name!.Trim(), settings);
        api.Organisations.Forget(orgId);
        return Results.Ok(Organisation(info));
    }

    private static async Task<IResult> ListGroupsAsync([PresenceId] string orgId, HttpContext http, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var groups = await api.Grains.GetGrain<IOrganisationGrain>(orgId).ListGroupsAsync();
        var caller = PresenceCaller.From(http.User)!;
        if (caller.IsDisplay)
        {
            groups = [.. groups.Where(g => caller.ScopeAllows(g.GroupId))]; // a wall display lists the groups of its scope
        }
        else if (!caller.SeesAllGroups)
        {
            // Agents see the groups they could watch, the same rule as for group sockets.
            var own = (await api.User(orgId, caller.UserId).GetGroupsAsync()).ToHashSet(StringComparer.Ordinal);
            groups = [.. groups.Where(g => own.Contains(g.GroupId))];
        }
        return Results.Ok(new GroupListDocument(orgId, [.. groups.Select(g => new GroupListEntry(g.GroupId, g.GroupName))]));
    }

    private static async Task<IResult> GetOrganisationAsync([PresenceId] string orgId, ApiContext api)
    {
        var info = await api.Grains.GetGrain<IOrganisationGrain>(orgId).GetAsync();
        return info is null ? ApiProblems.OrganisationNotFound(orgId) : Results.Ok(Organisation(info));
    }

    private static OrganisationDocument Organisation(OrganisationInfo info) =>
        new(info.OrgId, info.Name, new OrganisationSettingsDocument(info.Settings.MaxConnections, SessionSettings.Document(info.Settings.SessionPolicy),
            (int)info.Settings.QueueWaitLimit.TotalSeconds, info.Settings.QueueTerms.TimeZone, info.Settings.QueueTerms.WindowMinutes));

    private static async Task<IResult> PutUserAsync([PresenceId] string orgId, [PresenceId] string userId, UserRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var user = await api.User(orgId, userId).UpsertProfileAsync(ApiValidation.Profile(body.DisplayName!, body.Extension, body.Capabilities));
        return SnapshotEndpoints.UserDocument(user, api.Clock);
    }

    private static async Task<IResult> DeleteUserAsync([PresenceId] string orgId, [PresenceId] string userId, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        return await api.Directory(orgId).DeleteUserAsync(userId) ? Results.NoContent() : ApiProblems.UserNotFound(orgId, userId);
    }

    private static async Task<IResult> PutGroupAsync([PresenceId] string orgId, [PresenceId] string groupId, GroupRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var members = ApiValidation.UserIds(body.Members);
        return GroupResult(orgId, groupId, await api.Directory(orgId).PutGroupAsync(groupId, body.GroupName!.Trim(), members), api);
    }

    private static async Task<IResult> DeleteGroupAsync([PresenceId] string orgId, [PresenceId] string groupId, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        return await api.Directory(orgId).DeleteGroupAsync(groupId) ? Results.NoContent() : ApiProblems.GroupNotFound(orgId, groupId);
    }

    private static async Task<IResult> AddMembersAsync([PresenceId] string orgId, [PresenceId] string groupId, MembersRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        return GroupResult(orgId, groupId, await api.Directory(orgId).AddMembersAsync(groupId, ApiValidation.UserIds(body.UserIds)), api);
    }

    private static async Task<IResult> RemoveMemberAsync([PresenceId] string orgId, [PresenceId] string groupId, [PresenceId] string userId, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        return GroupResult(orgId, groupId, await api.Directory(orgId).RemoveMemberAsync(groupId, userId), api, userId);
    }

    private static IResult GroupResult(string orgId, string groupId, DirectoryResult<GroupSnapshot> result, ApiContext api, string? userId = null) =>
        result.Outcome switch
        {
            DirectoryOutcome.Done => SnapshotEndpoints.GroupDocument(result.Value!, api.Clock),
            DirectoryOutcome.UnknownGroup => ApiProblems.GroupNotFound(orgId, groupId),
            DirectoryOutcome.UnknownUser => ApiProblems.UserNotFound(orgId, userId ?? ""),
            _ => ApiProblems.UnknownMembers(result.UnknownIds),
        };

    private static async Task<IResult> ImportAsync([PresenceId] string orgId, DirectoryRequest body, HttpContext http, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        // Validated field by field before the handler ran: every entry is an object with valid fields.
        var users = (body.Users ?? []).Select(u => new ImportedUser(u!.UserId!, ApiValidation.Profile(u.DisplayName!, u.Extension, u.Capabilities))).ToImmutableArray();
        var groups = (body.Groups ?? []).Select(g => new ImportedGroup(g!.GroupId!, g.GroupName!.Trim(), ApiValidation.UserIds(g.Members))).ToImmutableArray();
        // A job in the grid, so no client timeout cuts a large import short (Api/ImportEndpoints.cs).
        return await ImportEndpoints.StartAsync(orgId, new DirectoryImport(users, groups), http, api);
    }
}
