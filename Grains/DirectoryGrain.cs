using System.Collections.Immutable;
using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace FreedomCti.Presence.Grains;

/// <summary>Directory operations spanning users and groups of one organisation; stateless, so any silo can run them.</summary>
/// <remarks>
/// Order of every operation: validate (nothing changes on failure), then the users dropped from a group, the group, the
/// users joining it (<see cref="DirectoryWrites"/>). Each step is idempotent, so repeating a half-applied operation
/// repairs it. Concurrent directory writes to the same group are last-writer-wins; the admin API is expected to
/// serialize them per group. Large imports run as jobs (<see cref="ImportJobGrain"/>) made of the same steps.
/// </remarks>
[StatelessWorker]
public sealed class DirectoryGrain(ILogger<DirectoryGrain> logger) : Grain, IDirectoryGrain
{
    /// <summary>Groups defined at once during an import; each already fans out to its members.</summary>
    private const int MaxGroupsInFlight = 4;

    private DirectoryWrites? _writes;

    private string OrgId => this.GetPrimaryKeyString();

    private DirectoryWrites Writes => _writes ??= new DirectoryWrites(GrainFactory, OrgId, logger);

    public async Task<DirectoryResult<GroupSnapshot>> PutGroupAsync(string groupId, string groupName, ImmutableArray<string> memberIds)
    {
        RequireValid(groupId);
        var (views, unknown) = await Writes.ReadViewsAsync(Distinct(memberIds));
        if (unknown.Length > 0)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownMembers, unknown);
        }
        var defined = await Writes.DefineAsync(groupId, groupName, views);
        await Writes.RecordGroupsAsync([new GroupEntry(groupId, defined.GroupName)], []);
        return DirectoryResult<GroupSnapshot>.Ok(defined);
    }

    public async Task<DirectoryResult<GroupSnapshot>> AddMembersAsync(string groupId, ImmutableArray<string> userIds)
    {
        RequireValid(groupId);
        var group = Writes.Group(groupId);
        var current = await group.GetSnapshotAsync();
        if (current is null)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownGroup);
        }
        var held = current.Members.Select(m => m.UserId).ToHashSet(StringComparer.Ordinal);
        var (added, unknown) = await Writes.ReadViewsAsync(Distinct(userIds).Where(id => !held.Contains(id)).ToList());
        if (unknown.Length > 0)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownMembers, unknown);
        }
        if (added.Count == 0)
        {
            return DirectoryResult<GroupSnapshot>.Ok(current);
        }
        // In place: only the chunks the new members hash to are rewritten (a redefinition could rewrite them all).
        var snapshot = await group.AddMembersAsync([.. added]);
        if (snapshot is null)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownGroup);
        }
        var vanished = await Writes.JoinAsync(groupId, [.. added.Select(m => m.UserId)]);
        return DirectoryResult<GroupSnapshot>.Ok(vanished == 0 ? snapshot : await group.GetSnapshotAsync() ?? snapshot);
    }

    public async Task<DirectoryResult<GroupSnapshot>> RemoveMemberAsync(string groupId, string userId)
    {
        RequireValid(groupId);
        var group = Writes.Group(groupId);
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
        if (!isMember && await Writes.User(userId).GetSnapshotAsync() is null)
        {
            return DirectoryResult<GroupSnapshot>.Fail(DirectoryOutcome.UnknownUser);
        }
        await group.RemoveMemberAsync(userId);
        await Writes.User(userId).LeaveGroupAsync(groupId);
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
        var user = Writes.User(userId);
        if (await user.GetSnapshotAsync() is null)
        {
            return false;
        }
        var formerGroups = await user.DeleteAsync();
        await Bounded.ForEachAsync(formerGroups, DirectoryWrites.MaxInFlight, g => Writes.Group(g).RemoveMemberAsync(userId));
        return true;
    }

    public async Task<bool> DeleteGroupAsync(string groupId)
    {
        if (!PresenceIds.IsValid(groupId))
        {
            return false;
        }
        var group = Writes.Group(groupId);
        // Seq is 0 only for a group that does not exist; cheaper than a snapshot of thousands of members.
        if (await group.GetSeqAsync() == 0)
        {
            return false;
        }
        var formerMembers = await group.DeleteAsync();
        await Bounded.ForEachAsync(formerMembers, DirectoryWrites.MaxInFlight, u => Writes.User(u).LeaveGroupAsync(groupId));
        await Writes.RecordGroupsAsync([], [groupId]);
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
        var (outsideViews, unknown) = await Writes.ReadViewsAsync(ImportPlan.Outside(import));
        if (unknown.Length > 0)
        {
            return DirectoryResult<ImportSummary>.Fail(DirectoryOutcome.UnknownMembers, unknown);
        }

        var views = outsideViews.ToDictionary(v => v.UserId, StringComparer.Ordinal);
        foreach (var view in await Writes.UpsertUsersAsync(users))
        {
            views[view.UserId] = view;
        }
        await Bounded.ForEachAsync(groups, MaxGroupsInFlight, g =>
            Writes.DefineAsync(g.GroupId, g.GroupName, [.. Distinct(g.MemberIds).Select(id => views[id])]));
        // One catalogue write for the whole import, not one per group.
        await Writes.RecordGroupsAsync([.. groups.Select(g => new GroupEntry(g.GroupId, g.GroupName))], []);
        return DirectoryResult<ImportSummary>.Ok(ImportPlan.Summary(import));
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
}
