using System.Collections.Immutable;

namespace FreedomCti.Presence;

/// <summary>Directory operations that span several grains of one organisation (keyed by orgId); stateless.</summary>
/// <remarks>
/// Calls only flow directory → user → group, so no two grains ever wait on each other.
/// Every operation is idempotent: repeating a failed one repairs any half-applied state.
/// </remarks>
[Alias("fcti.IDirectoryGrain")]
public interface IDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces a group with exactly these members.</summary>
    [Alias("PutGroup")]
    Task<DirectoryResult<GroupSnapshot>> PutGroupAsync(string groupId, string groupName, ImmutableArray<string> memberIds);

    /// <summary>Adds users to an existing group.</summary>
    [Alias("AddMembers")]
    Task<DirectoryResult<GroupSnapshot>> AddMembersAsync(string groupId, ImmutableArray<string> userIds);

    /// <summary>Takes one user out of a group.</summary>
    [Alias("RemoveMember")]
    Task<DirectoryResult<GroupSnapshot>> RemoveMemberAsync(string groupId, string userId);

    /// <summary>Deletes a user and drops it from its groups; false when it did not exist.</summary>
    [Alias("DeleteUser")]
    Task<bool> DeleteUserAsync(string userId);

    /// <summary>Deletes a group and updates its former members; false when it did not exist.</summary>
    [Alias("DeleteGroup")]
    Task<bool> DeleteGroupAsync(string groupId);

    /// <summary>Bulk, idempotent import: upserts every user, then defines every group.</summary>
    [Alias("Import")]
    Task<DirectoryResult<ImportSummary>> ImportAsync(DirectoryImport import);
}

[GenerateSerializer, Alias("fcti.DirectoryOutcome")]
public enum DirectoryOutcome
{
    Done = 0,
    UnknownGroup = 1,
    UnknownUser = 2,
    UnknownMembers = 3,
}

/// <summary>Outcome of a directory operation; on UnknownMembers, <see cref="UnknownIds"/> lists the ids not in the directory.</summary>
// A generic type's alias carries its arity ("`1"): without it Orleans cannot parse the closed type name on the wire.
[GenerateSerializer, Immutable, Alias("fcti.DirectoryResult`1")]
public sealed record DirectoryResult<T>(DirectoryOutcome Outcome, T? Value, ImmutableArray<string> UnknownIds)
{
    public static DirectoryResult<T> Ok(T value) => new(DirectoryOutcome.Done, value, []);
    public static DirectoryResult<T> Fail(DirectoryOutcome outcome, ImmutableArray<string> unknownIds = default) =>
        new(outcome, default, unknownIds.IsDefault ? [] : unknownIds);
}

[GenerateSerializer, Immutable, Alias("fcti.ImportedUser")]
public sealed record ImportedUser(string UserId, UserProfile Profile);

[GenerateSerializer, Immutable, Alias("fcti.ImportedGroup")]
public sealed record ImportedGroup(string GroupId, string GroupName, ImmutableArray<string> MemberIds);

/// <summary>A whole directory (or a part of one) to apply in one request.</summary>
[GenerateSerializer, Immutable, Alias("fcti.DirectoryImport")]
public sealed record DirectoryImport(ImmutableArray<ImportedUser> Users, ImmutableArray<ImportedGroup> Groups);

[GenerateSerializer, Immutable, Alias("fcti.ImportSummary")]
public sealed record ImportSummary(int Users, int Groups, int Memberships);
