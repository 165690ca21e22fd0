using System.Collections.Immutable;
using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Grains;

/// <summary>
/// The steps of directory changes that span users and groups of one organisation, shared by the directory grain (one
/// call per change) and the import job (the same steps in bounded batches). Each step is idempotent.
/// </summary>
/// <remarks>
/// Calls flow to users and groups only, and to the organisation for the catalogue (which calls nothing), so no two
/// grains wait on each other. Order for a group: the users dropped from it leave, the group is defined, the members join.
/// </remarks>
internal sealed class DirectoryWrites(IGrainFactory grains, string orgId, ILogger logger)
{
    /// <summary>Grain calls in flight per fan-out: enough to keep two cores busy, few enough not to flood the silo.</summary>
    public const int MaxInFlight = 64;

    /// <summary>Reads each user's member view; ids that are invalid or not in the directory come back as unknown, sorted.</summary>
    public async Task<(List<GroupMember> Views, ImmutableArray<string> Unknown)> ReadViewsAsync(IReadOnlyList<string> userIds)
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

    /// <summary>Creates or updates the users; answers their views, in order.</summary>
    public async Task<GroupMember[]> UpsertUsersAsync(IReadOnlyList<ImportedUser> users)
    {
        var snapshots = await Bounded.SelectAsync(users, MaxInFlight, u => User(u.UserId).UpsertProfileAsync(u.Profile));
        return [.. snapshots.Select(s => s.ToMember())];
    }

    /// <summary>Users that are members now and not in <paramref name="kept"/> leave the group (before it is redefined without them).</summary>
    public async Task LeaveDroppedAsync(string groupId, IReadOnlyCollection<string> kept)
    {
        if (await Group(groupId).GetSnapshotAsync() is not { } current) return;
        var keep = kept as IReadOnlySet<string> ?? kept.ToHashSet(StringComparer.Ordinal);
        var dropped = current.Members.Where(m => !keep.Contains(m.UserId)).Select(m => m.UserId).ToList();
        await Bounded.ForEachAsync(dropped, MaxInFlight, u => User(u).LeaveGroupAsync(groupId));
    }

    /// <summary>Records the group on its members; a member deleted meanwhile is taken out of the group again.</summary>
    /// <returns>How many had vanished.</returns>
    public async Task<int> JoinAsync(string groupId, IReadOnlyList<string> userIds)
    {
        var joined = await Bounded.SelectAsync(userIds, MaxInFlight, u => User(u).JoinGroupAsync(groupId));
        var vanished = userIds.Where((_, i) => !joined[i]).ToList();
        foreach (var userId in vanished)
        {
            // Deleted between our read and the join: keep the group consistent with the users.
            logger.MemberVanished(orgId, userId, groupId);
            await Group(groupId).RemoveMemberAsync(userId);
        }
        return vanished.Count;
    }

    /// <summary>Defines the group with exactly these members and records it on them: leaves, define, joins.</summary>
    public async Task<GroupSnapshot> DefineAsync(string groupId, string groupName, IReadOnlyList<GroupMember> members)
    {
        await LeaveDroppedAsync(groupId, members.Select(m => m.UserId).ToHashSet(StringComparer.Ordinal));
        var snapshot = await Group(groupId).DefineAsync(groupName, [.. members]);
        var vanished = await JoinAsync(groupId, [.. members.Select(m => m.UserId)]);
        return vanished == 0 ? snapshot : await Group(groupId).GetSnapshotAsync() ?? snapshot;
    }

    /// <summary>The organisation grain keeps the group catalogue; it calls nothing, so this cannot deadlock.</summary>
    public Task RecordGroupsAsync(ImmutableArray<GroupEntry> defined, ImmutableArray<string> removed) =>
        grains.GetGrain<IOrganisationGrain>(orgId).RecordGroupsAsync(defined, removed);

    public IUserGrain User(string userId) => grains.GetGrain<IUserGrain>(PresenceIds.Key(orgId, userId));

    public IGroupGrain Group(string groupId) => grains.GetGrain<IGroupGrain>(PresenceIds.Key(orgId, groupId));
}
