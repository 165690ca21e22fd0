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
        org.MapPut("", PutOrganisationAsync).RequireAccess(ApiAccess.Directory)
            .Describe(ApiMetadata.Tags.Organisations, "PutOrganisation", "Create or rename an organisation",
                "Creates the organisation or updates its name; `settings` left out keeps the current settings. A new " +
                "`maxConnections` applies to new sockets: at once on this gateway, within 30 seconds on the others. Creating " +
                "one needs an admin or system token whose `org` is the new organisation's id.")
            .Produces<OrganisationDocument>().ProducesBodyProblems();
        org.MapGet("/user-group", ListGroupsAsync).RequireAccess(ApiAccess.Read)
            .Describe(ApiMetadata.Tags.Directory, "ListGroups", "List the organisation's groups",
                "The groups a wallboard's picker offers, ordered by id: every group for supervisors, admins and " +
                "integrations; only their own groups for agents.")
            .Produces<GroupListDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPut("/user/{userId}", PutUserAsync).RequireAccess(ApiAccess.Directory)
            .Describe(ApiMetadata.Tags.Directory, "PutUser", "Create a user or update its profile",
                "A new user starts offline; an existing one keeps its presence. Answers the user document, as a " +
                "subscriber's snapshot.")
            .Produces<UserDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        org.MapDelete("/user/{userId}", DeleteUserAsync).RequireAccess(ApiAccess.Directory)
            .Describe(ApiMetadata.Tags.Directory, "DeleteUser", "Delete a user",
                "Deletes the user and removes it from every group. Its subscribers are closed with 4002; its groups send a " +
                "group_presence_update.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPut("/user-group/{groupId}", PutGroupAsync).RequireAccess(ApiAccess.Directory)
            .Describe(ApiMetadata.Tags.Directory, "PutGroup", "Create a group or replace it",
                "Defines the group with exactly these members (none when `members` is left out). Unknown members answer " +
                "400 with `errors.members` and change nothing.")
            .Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        org.MapDelete("/user-group/{groupId}", DeleteGroupAsync).RequireAccess(ApiAccess.Directory)
            .Describe(ApiMetadata.Tags.Directory, "DeleteGroup", "Delete a group",
                "Group subscribers are closed with 4005.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPost("/user-group/{groupId}/members", AddMembersAsync).RequireAccess(ApiAccess.Directory)
            .Describe(ApiMetadata.Tags.Directory, "AddGroupMembers", "Add members to a group",
                "Adds existing users of the organisation; unknown users answer 400 with `errors.members`.")
            .Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound).ProducesBodyProblems();
        org.MapDelete("/user-group/{groupId}/members/{userId}", RemoveMemberAsync).RequireAccess(ApiAccess.Directory)
            .Describe(ApiMetadata.Tags.Directory, "RemoveGroupMember", "Remove a member from a group",
                "Removing an existing user who is not a member answers 200. An agent taken out of a group has its sockets " +
                "on the group closed with 4006.")
            .Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPut("/directory", ImportAsync).RequireAccess(ApiAccess.Directory)
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

    private static async Task<IResult> PutOrganisationAsync(string orgId, OrganisationRequest body, ApiContext api)
    {
        if (ApiValidation.Id(orgId, "orgId") is { } idError) return ApiProblems.Invalid("orgId", idError);
        if (ApiValidation.Text(body.Name, "name", ApiValidation.MaxNameLength, required: true) is { } nameError) return ApiProblems.Invalid("name", nameError);
        if (body.Settings?.MaxConnections is < 0) return ApiProblems.Invalid("settings.maxConnections", "maxConnections must be 0 (service default) or more.");
        if (body.Settings?.MaxQueueWaitSeconds is < 60 or > 86_400) return ApiProblems.Invalid("settings.maxQueueWaitSeconds", "maxQueueWaitSeconds must be between 60 and 86400.");
        if (SessionSettings.Validate(body.Settings?.Sessions, out var sessions) is { } sessionErrors) return ApiProblems.Invalid(sessionErrors);
        var settings = body.Settings is null ? null : new OrganisationSettings(body.Settings.MaxConnections ?? 0, sessions,
            body.Settings.MaxQueueWaitSeconds is { } wait ? TimeSpan.FromSeconds(wait) : null);
        var info = await api.Grains.GetGrain<IOrganisationGrain>(orgId).UpsertAsync(body.Name!.Trim(), settings);
        api.Organisations.Forget(orgId);
        return Results.Ok(Organisation(info));
    }

    private static async Task<IResult> ListGroupsAsync(string orgId, HttpContext http, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var groups = await api.Grains.GetGrain<IOrganisationGrain>(orgId).ListGroupsAsync();
        var caller = PresenceCaller.From(http.User)!;
        if (!caller.SeesAllGroups)
        {
            // Agents see the groups they could watch, the same rule as for group sockets.
            var own = (await api.User(orgId, caller.UserId).GetGroupsAsync()).ToHashSet(StringComparer.Ordinal);
            groups = [.. groups.Where(g => own.Contains(g.GroupId))];
        }
        return Results.Ok(new GroupListDocument(orgId, [.. groups.Select(g => new GroupListEntry(g.GroupId, g.GroupName))]));
    }

    private static async Task<IResult> GetOrganisationAsync(string orgId, ApiContext api)
    {
        if (ApiValidation.Id(orgId, "orgId") is { } idError) return ApiProblems.Invalid("orgId", idError);
        var info = await api.Grains.GetGrain<IOrganisationGrain>(orgId).GetAsync();
        return info is null ? ApiProblems.OrganisationNotFound(orgId) : Results.Ok(Organisation(info));
    }

    private static OrganisationDocument Organisation(OrganisationInfo info) =>
        new(info.OrgId, info.Name, new OrganisationSettingsDocument(info.Settings.MaxConnections, SessionSettings.Document(info.Settings.SessionPolicy),
            (int)info.Settings.QueueWaitLimit.TotalSeconds));

    private static async Task<IResult> PutUserAsync(string orgId, string userId, UserRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId, userId: userId) is { } problem) return problem;
        if (ApiValidation.User(body.DisplayName, body.Extension, body.Capabilities, "", out var profile) is { } errors) return ApiProblems.Invalid(errors);
        var user = await api.User(orgId, userId).UpsertProfileAsync(profile!);
        return SnapshotEndpoints.UserDocument(user, api.Clock);
    }

    private static async Task<IResult> DeleteUserAsync(string orgId, string userId, ApiContext api)
    {
        if (await api.CheckAsync(orgId, userId: userId) is { } problem) return problem;
        return await api.Directory(orgId).DeleteUserAsync(userId) ? Results.NoContent() : ApiProblems.UserNotFound(orgId, userId);
    }

    private static async Task<IResult> PutGroupAsync(string orgId, string groupId, GroupRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId, groupId: groupId) is { } problem) return problem;
        var errors = new Dictionary<string, string[]>();
        ApiValidation.Add(errors, "groupName", ApiValidation.Text(body.GroupName, "groupName", ApiValidation.MaxNameLength, required: true));
        ApiValidation.Add(errors, "members", ApiValidation.UserIds(body.Members, "members", required: false, out var members));
        if (errors.Count > 0) return ApiProblems.Invalid(errors);
        return GroupResult(orgId, groupId, await api.Directory(orgId).PutGroupAsync(groupId, body.GroupName!.Trim(), members), api);
    }

    private static async Task<IResult> DeleteGroupAsync(string orgId, string groupId, ApiContext api)
    {
        if (await api.CheckAsync(orgId, groupId: groupId) is { } problem) return problem;
        return await api.Directory(orgId).DeleteGroupAsync(groupId) ? Results.NoContent() : ApiProblems.GroupNotFound(orgId, groupId);
    }

    private static async Task<IResult> AddMembersAsync(string orgId, string groupId, MembersRequest body, ApiContext api)
    {
        if (await api.CheckAsync(orgId, groupId: groupId) is { } problem) return problem;
        if (ApiValidation.UserIds(body.UserIds, "userIds", required: true, out var userIds) is { } error) return ApiProblems.Invalid("userIds", error);
        return GroupResult(orgId, groupId, await api.Directory(orgId).AddMembersAsync(groupId, userIds), api);
    }

    private static async Task<IResult> RemoveMemberAsync(string orgId, string groupId, string userId, ApiContext api)
    {
        if (await api.CheckAsync(orgId, userId: userId, groupId: groupId) is { } problem) return problem;
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

    private static async Task<IResult> ImportAsync(string orgId, DirectoryRequest body, HttpContext http, ApiContext api)
    {
        if (await api.CheckAsync(orgId) is { } problem) return problem;
        var errors = new Dictionary<string, string[]>();
        var users = ImmutableArray.CreateBuilder<ImportedUser>();
        foreach (var (u, i) in (body.Users ?? []).Select((u, i) => (u, i)))
        {
            var prefix = $"users[{i}].";
            if (u is null) { ApiValidation.Add(errors, $"users[{i}]", "must be an object."); continue; }
            ApiValidation.Add(errors, prefix + "userId", ApiValidation.Id(u.UserId, "userId"));
            if (ApiValidation.User(u.DisplayName, u.Extension, u.Capabilities, prefix, out var profile) is { } userErrors)
            {
                foreach (var e in userErrors) errors[e.Key] = e.Value;
            }
            else if (u.UserId is not null) users.Add(new ImportedUser(u.UserId, profile!));
        }
        var groups = ImmutableArray.CreateBuilder<ImportedGroup>();
        foreach (var (g, i) in (body.Groups ?? []).Select((g, i) => (g, i)))
        {
            var prefix = $"groups[{i}].";
            if (g is null) { ApiValidation.Add(errors, $"groups[{i}]", "must be an object."); continue; }
            ApiValidation.Add(errors, prefix + "groupId", ApiValidation.Id(g.GroupId, "groupId"));
            ApiValidation.Add(errors, prefix + "groupName", ApiValidation.Text(g.GroupName, "groupName", ApiValidation.MaxNameLength, required: true));
            ApiValidation.Add(errors, prefix + "members", ApiValidation.UserIds(g.Members, "members", required: false, out var members));
            if (g.GroupId is not null && g.GroupName is not null) groups.Add(new ImportedGroup(g.GroupId, g.GroupName.Trim(), members));
        }
        if (errors.Count > 0) return ApiProblems.Invalid(errors);

        // A job in the grid, so no client timeout cuts a large import short (Api/ImportEndpoints.cs).
        return await ImportEndpoints.StartAsync(orgId, new DirectoryImport(users.ToImmutable(), groups.ToImmutable()), http, api);
    }
}
