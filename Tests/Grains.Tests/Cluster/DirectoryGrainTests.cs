using System.Collections.Immutable;
using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.Cluster;

public class DirectoryGrainTests(ClusterFixture fixture) : PresenceClusterTest(fixture)
{
    [Fact]
    public async Task Import_TwoThousandUsersAndLargeGroups_SummariesMatchTheUsers()
    {
        var users = Enumerable.Range(0, 2_000).Select(i => new ImportedUser($"u{i}", new UserProfile($"User {i}", $"{1000 + i}", Capabilities.Default))).ToImmutableArray();
        ImmutableArray<ImportedGroup> groups =
        [
            new("big", "Big", [.. users.Take(1_000).Select(u => u.UserId)]),
            new("odd", "Odd", [.. users.Where((_, i) => i % 2 == 1).Select(u => u.UserId)]),
        ];

        var result = await Directory.ImportAsync(new DirectoryImport(users, groups)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(DirectoryOutcome.Done, result.Outcome);
        Assert.Equal(new ImportSummary(2_000, 2, 2_000), result.Value);

        // Change some members, then check the groups' incremental summaries against a recount of the users' own state.
        var changed = Enumerable.Range(0, 300).Select(i => $"u{i * 3}").ToArray();
        await Task.WhenAll(changed.Select((id, i) => User(id).SetPresenceAsync(
            new PresenceChange(i % 2 == 0 ? PresenceStatus.Available : PresenceStatus.Busy, null)))).WaitAsync(Bound);

        foreach (var g in groups)
        {
            var snapshot = await Group(g.GroupId).GetSnapshotAsync().WaitAsync(Bound);
            var truth = await Task.WhenAll(g.MemberIds.Select(id => User(id).GetSnapshotAsync())).WaitAsync(Bound);
            Assert.Equal(GroupSummaries.Compute(truth.Select(s => s!.ToMember())), snapshot!.Summary);
            Assert.Equal(g.MemberIds.Length, snapshot.Members.Length);
        }
        var u0 = await User("u0").GetSnapshotAsync().WaitAsync(Bound);
        Assert.Equal("1000", u0!.Profile.Extension);
    }

    [Fact]
    public async Task Import_UnknownMember_FailsBeforeAnyWrite()
    {
        var import = new DirectoryImport(
            [new ImportedUser("a", Profile("A"))],
            [new ImportedGroup("g", "G", ["a", "missing"])]);

        var result = await Directory.ImportAsync(import).WaitAsync(Bound);

        Assert.Equal(DirectoryOutcome.UnknownMembers, result.Outcome);
        Assert.Equal(["missing"], result.UnknownIds.ToArray());
        Assert.Null(await User("a").GetSnapshotAsync().WaitAsync(Bound));
        Assert.Null(await Group("g").GetSnapshotAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task PutGroup_UnknownMembers_FailsAndChangesNothing()
    {
        var ids = await CreateUsersAsync(2);
        await PutGroupAsync("g", ids[0]);

        var result = await Directory.PutGroupAsync("g", "renamed", [ids[1], "x", "bad/id"]).WaitAsync(Bound);

        Assert.Equal(DirectoryOutcome.UnknownMembers, result.Outcome);
        Assert.Equal(["bad/id", "x"], result.UnknownIds.ToArray());
        var snapshot = await Group("g").GetSnapshotAsync().WaitAsync(Bound);
        Assert.Equal("g name", snapshot!.GroupName);
        Assert.Equal([ids[0]], snapshot.Members.Select(m => m.UserId));
    }

    [Fact]
    public async Task PutGroup_Redefined_DroppedMembersStopPushingToTheGroup()
    {
        var ids = await CreateUsersAsync(3);
        await PutGroupAsync("g", ids[0], ids[1]);

        await PutGroupAsync("g", ids[1], ids[2]);
        await User(ids[0]).SetPresenceAsync(new PresenceChange(PresenceStatus.Busy, null)).WaitAsync(Bound);
        await User(ids[2]).SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null)).WaitAsync(Bound);

        var snapshot = await Group("g").GetSnapshotAsync().WaitAsync(Bound);
        Assert.Equal([ids[1], ids[2]], snapshot!.Members.Select(m => m.UserId));
        Assert.Equal(new GroupSummary(2, 1, 0, 0, 0, 0, 1), snapshot.Summary.StatusCounts());
    }

    [Fact]
    public async Task AddMembers_ExistingGroup_UnionAndNewMembersPush()
    {
        var ids = await CreateUsersAsync(3);
        await PutGroupAsync("g", ids[0]);

        var result = await Directory.AddMembersAsync("g", [ids[0], ids[1], ids[2]]).WaitAsync(Bound);
        await User(ids[2]).SetPresenceAsync(new PresenceChange(PresenceStatus.Away, null)).WaitAsync(Bound);

        Assert.Equal(DirectoryOutcome.Done, result.Outcome);
        Assert.Equal(3, result.Value!.Summary.TotalMembers);
        var snapshot = await Group("g").GetSnapshotAsync().WaitAsync(Bound);
        Assert.Equal(new GroupSummary(3, 0, 0, 0, 1, 0, 2), snapshot!.Summary.StatusCounts());
    }

    [Fact]
    public async Task AddMembers_UnknownGroup_UnknownGroup()
    {
        var ids = await CreateUsersAsync(1);

        var result = await Directory.AddMembersAsync("nope", [ids[0]]).WaitAsync(Bound);

        Assert.Equal(DirectoryOutcome.UnknownGroup, result.Outcome);
    }

    [Fact]
    public async Task RemoveMember_UnknownUserNotInGroup_UnknownUser()
    {
        await PutGroupAsync("g");

        var result = await Directory.RemoveMemberAsync("g", "ghost").WaitAsync(Bound);

        Assert.Equal(DirectoryOutcome.UnknownUser, result.Outcome);
    }

    [Fact]
    public async Task DeleteUser_MemberOfGroups_DroppedFromEveryGroup()
    {
        var ids = await CreateUsersAsync(2);
        await PutGroupAsync("g1", ids);
        await PutGroupAsync("g2", ids[0]);

        Assert.True(await Directory.DeleteUserAsync(ids[0]).WaitAsync(Bound));

        Assert.Equal([ids[1]], (await Group("g1").GetSnapshotAsync().WaitAsync(Bound))!.Members.Select(m => m.UserId));
        Assert.Empty((await Group("g2").GetSnapshotAsync().WaitAsync(Bound))!.Members);
        Assert.False(await Directory.DeleteUserAsync(ids[0]).WaitAsync(Bound));
    }

    [Fact]
    public async Task DeleteGroup_WithMembers_UsersNoLongerPushToIt()
    {
        var ids = await CreateUsersAsync(2);
        await PutGroupAsync("g", ids);

        Assert.True(await Directory.DeleteGroupAsync("g").WaitAsync(Bound));
        await User(ids[0]).SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null)).WaitAsync(Bound);

        Assert.Null(await Group("g").GetSnapshotAsync().WaitAsync(Bound));
        // Re-creating the group must not resurrect the old members.
        var recreated = await PutGroupAsync("g", ids[1]);
        Assert.Equal([ids[1]], recreated.Members.Select(m => m.UserId));
    }
}
