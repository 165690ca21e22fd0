using System.Collections.Immutable;
using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace FreedomCti.Presence.Grains;

/// <summary>Directory operations spanning users and groups of one organisation; stateless, so any silo can run them.</summary>
/// <remarks>
/// Order of every operation: validate (nothing changes on failure), then the group, then the users. Each step is
/// idempotent, so repeating a half-applied operation repairs it. Concurrent directory writes to the same group are
/// last-writer-wins; the admin API is expected to serialize them per group.
/// </remarks>
[StatelessWorker]
public sealed class DirectoryGrain(ILogger<DirectoryGrain> logger) : Grain, IDirectoryGrain
{
    /// <summary>Grain calls in flight per fan-out: enough to keep two cores busy, few enough not to flood the silo.</summary>
    private const int MaxInFlight = 64;

    /// <summary>Groups defined at once during an import; each already fans out to its members.</summary>
    private const int MaxGroupsInFlight = 4;

    private string OrgId => this.GetPrimaryKeyString();

    public async Task<DirectoryResult<GroupSnapshot>> PutGroupAsync(string groupId, string groupName, ImmutableArray<string> memberIds)
    {
        RequireValid(groupId);
        var (views, unknown) = await ReadViewsAsync(Distinct(memberIds));
        if (unknown.Length > 0)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownMembers, unknown);
        }
        var current = await Group(groupId).GetSnapshotAsync();
        var defined = await DefineAsync(groupId, groupName, views, current);
        await Catalogue.RecordGroupsAsync([new GroupEntry(groupId, defined.GroupName)], []);
        return DirectoryResult<GroupSnapshot>.Ok(defined);
    }

    public async Task<DirectoryResult<GroupSnapshot>> AddMembersAsync(string groupId, ImmutableArray<string> userIds)
    {
        RequireValid(groupId);
        var current = await Group(groupId).GetSnapshotAsync();
        if (current is null)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownGroup);
        }
        var held = current.Members.Select(m => m.UserId).ToHashSet(StringComparer.Ordinal);
        var (added, unknown) = await ReadViewsAsync(Distinct(userIds).Where(id => !held.Contains(id)).ToList());
        if (unknown.Length > 0)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownMembers, unknown);
        }
        var members = current.Members.Concat(added).ToList();
        return DirectoryResult<GroupSnapshot>.Ok(await DefineAsync(groupId, current.GroupName, members, current));
    }

    public async Task<DirectoryResult<GroupSnapshot>> RemoveMemberAsync(string groupId, string userId)
    {
        RequireValid(groupId);
        var group = Group(groupId);
        var current = await group.GetSnapshotAsync();
        if (current is null)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownGroup);
        }
        if (!PresenceIds.IsValid(userId))
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownUser);
        }
        var isMember = current.Members.Any(m => m.UserId == userId);
        if (!isMember && await User(userId).GetSnapshotAsync() is null)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownUser);
        }
        await group.RemoveMemberAsync(userId);
        await User(userId).LeaveGroupAsync(groupId);
        var after = await group.GetSnapshotAsync();
        return after is null
            ? DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownGroup)
            : DirectoryResult<GroupSnapshot>.Ok(after);
    }

    public async Task<bool> DeleteUserAsync(string userId)
    {
        if (!PresenceIds.IsValid(userId))
        {
            return false;
        }
        var user = User(userId);
        if (await user.GetSnapshotAsync() is null)
        {
            return false;
        }
        var formerGroups = await user.DeleteAsync();
        await Bounded.ForEachAsync(formerGroups, MaxInFlight, g => Group(g).RemoveMemberAsync(userId));
        return true;
    }

    public async Task<bool> DeleteGroupAsync(string groupId)
    {
        if (!PresenceIds.IsValid(groupId))
        {
            return false;
        }
        var group = Group(groupId);
        // Seq is 0 only for a group that does not exist; cheaper than a snapshot of thousands of members.
        if (await group.GetSeqAsync() == 0)
        {
            return false;
        }
        var formerMembers = await group.DeleteAsync();
        await Bounded.ForEachAsync(formerMembers, MaxInFlight, u => User(u).LeaveGroupAsync(groupId));
        await Catalogue.RecordGroupsAsync([], [groupId]);
        return true;
    }

    public async Task<DirectoryResult<ImportSummary>> ImportAsync(DirectoryImport import)
    {
        ArgumentNullException.ThrowIfNull(import);
        var users = OrEmpty(import.Users);
        var groups = OrEmpty(import.Groups);
        foreach (var u in users)
        {
            RequireValid(u.UserId);
        }
        foreach (var g in groups)
        {
            RequireValid(g.GroupId);
        }

        // Validate first: members neither imported nor already in the directory fail the whole import, before any write.
        var imported = users.Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
        var outside = groups.SelectMany(g => OrEmpty(g.MemberIds)).Where(id => !imported.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        var (outsideViews, unknown) = await ReadViewsAsync(outside);
        if (unknown.Length > 0)
        {
            return DirectoryResult<ImportSummary>.Fail(DirectoryOutcome.UnknownMembers, unknown);
        }

        var views = outsideViews.ToDictionary(v => v.UserId, StringComparer.Ordinal);
        var upserted = await Bounded.SelectAsync(users, MaxInFlight, u => User(u.UserId).UpsertProfileAsync(u.Profile));
        foreach (var snapshot in upserted)
        {
            views[snapshot.UserId] = snapshot.ToMember();
        }

        await Bounded.ForEachAsync(groups, MaxGroupsInFlight, async g =>
        {
            var members = Distinct(g.MemberIds).Select(id => views[id]).ToList();
            var current = await Group(g.GroupId).GetSnapshotAsync();
            await DefineAsync(g.GroupId, g.GroupName, members, current);
        });
        // One catalogue write for the whole import, not one per group.
        await Catalogue.RecordGroupsAsync([.. groups.Select(g => new GroupEntry(g.GroupId, g.GroupName))], []);
        var memberships = groups.Sum(g => Distinct(g.MemberIds).Count);
        return DirectoryResult<ImportSummary>.Ok(new ImportSummary(imported.Count, groups.Length, memberships));
    }

    /// <summary>Defines the group, then records membership on the users: joins for all members, leaves for those dropped.</summary>
    private async Task<GroupSnapshot> DefineAsync(string groupId, string groupName, IReadOnlyList<GroupMember> members, GroupSnapshot? current)
    {
        var group = Group(groupId);
        var snapshot = await group.DefineAsync(groupName, [.. members]);

        var joined = await Bounded.SelectAsync(members, MaxInFlight, m => User(m.UserId).JoinGroupAsync(groupId));
        var vanished = members.Where((_, i) => !joined[i]).Select(m => m.UserId).ToList();
        foreach (var userId in vanished)
        {
            // Deleted between our read and the join: keep the group consistent with the users.
            logger.MemberVanished(OrgId, userId, groupId);
            await group.RemoveMemberAsync(userId);
        }

        if (current is not null)
        {
            var kept = members.Select(m => m.UserId).ToHashSet(StringComparer.Ordinal);
            var dropped = current.Members.Where(m => !kept.Contains(m.UserId)).Select(m => m.UserId).ToList();
            await Bounded.ForEachAsync(dropped, MaxInFlight, u => User(u).LeaveGroupAsync(groupId));
        }
        return vanished.Count == 0 ? snapshot : await group.GetSnapshotAsync() ?? snapshot;
    }

    /// <summary>Reads each user's member view; ids that are invalid or not in the directory come back as unknown, sorted.</summary>
    private async Task<(List<GroupMember> Views, ImmutableArray<string> Unknown)> ReadViewsAsync(IReadOnlyList<string> userIds)
    {
        var snapshots = await Bounded.SelectAsync(userIds, MaxInFlight, id =>
            PresenceIds.IsValid(id) ? User(id).GetSnapshotAsync() : Task.FromResult<UserSnapshot?>(null));
        var views = new List<GroupMember>(userIds.Count);
        var unknown = new List<string>();
        for (var i = 0; i < userIds.Count; i++)
        {
            if (snapshots[i] is { } s)
            {
                views.Add(s.ToMember());
            }
            else
            {
                unknown.Add(userIds[i]);
            }
        }
        unknown.Sort(StringComparer.Ordinal);
        return (views, [.. unknown]);
    }

    private static List<string> Distinct(ImmutableArray<string> ids) =>
        OrEmpty(ids).Distinct(StringComparer.Ordinal).ToList();

    private static ImmutableArray<T> OrEmpty<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    private static void RequireValid(string id)
    {
        if (!PresenceIds.IsValid(id))
        {
            throw new ArgumentException($"'{id}' is not a valid id.", nameof(id));
        }
    }

    /// <summary>The organisation grain keeps the group catalogue; it calls nothing, so directory → organisation cannot deadlock.</summary>
    private IOrganisationGrain Catalogue => GrainFactory.GetGrain<IOrganisationGrain>(OrgId);

    private IUserGrain User(string userId) => GrainFactory.GetGrain<IUserGrain>(PresenceIds.Key(OrgId, userId));

    private IGroupGrain Group(string groupId) => GrainFactory.GetGrain<IGroupGrain>(PresenceIds.Key(OrgId, groupId));
}
