using System.Collections.Immutable;
using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.Cluster;

public class ImportJobGrainTests(ClusterFixture fixture) : PresenceClusterTest(fixture)
{
    private static readonly TimeSpan JobBound = TimeSpan.FromSeconds(90);

    private IImportJobGrain Job(string jobId) => Client.GetGrain<IImportJobGrain>(PresenceIds.Key(OrgId, jobId));

    /// <summary>
    /// Waits for the job to end, in long polls of 10 s: one grain call must end inside the client's 30 s response timeout
    /// (a single 90 s wait timed out once on a loaded machine while the job was still running).
    /// </summary>
    private async Task<ImportJobStatus?> FinishedAsync(string jobId)
    {
        ImportJobStatus? status = null;
        await Poll.UntilAsync(async () => (status = await Job(jobId).WaitAsync(TimeSpan.FromSeconds(10))) is { State: ImportJobState.Succeeded or ImportJobState.Failed },
            JobBound, () => $"job {jobId} to end: {status}", intervalMs: 0);
        return status;
    }

    private static DirectoryImport Import(int users, params (string Id, int From, int Count)[] groups) => new(
        [.. Enumerable.Range(0, users).Select(i => new ImportedUser($"u{i}", new UserProfile($"User {i}", $"{1000 + i}", Capabilities.Default)))],
        [.. groups.Select(g => new ImportedGroup(g.Id, $"Group {g.Id}", [.. Enumerable.Range(g.From, g.Count).Select(i => $"u{i}")]))]);

    [Fact]
    public async Task Job_UsersAndALargeGroupInParts_Succeeds_WithTheGroupsAndTheCatalogue()
    {
        var import = Import(3_000, ("big", 0, 2_600), ("small", 100, 10), ("empty", 0, 0));

        var started = await Job("j1").StartAsync(import).WaitAsync(Bound);
        var done = await FinishedAsync("j1");

        Assert.Equal(ImportJobState.Validating, started.State);
        Assert.Equal(ImportJobState.Succeeded, done!.State);
        Assert.Equal((3_000, 3_000, 3, 3, 2_610), (done.UsersDone, done.UsersTotal, done.GroupsDone, done.GroupsTotal, done.Memberships));
        Assert.NotNull(done.FinishedAt);
        var big = await Group("big").GetSnapshotAsync().WaitAsync(Bound);
        Assert.Equal(2_600, big!.Summary.TotalMembers);
        Assert.Contains("big", await User("u2599").GetGroupsAsync().WaitAsync(Bound));
        var catalogue = await Client.GetGrain<IOrganisationGrain>(OrgId).ListGroupsAsync().WaitAsync(Bound);
        Assert.Equal(["big", "empty", "small"], catalogue.Select(g => g.GroupId));
        // A finished job keeps its status; starting it again changes nothing.
        Assert.Equal(done, await Job("j1").StartAsync(Import(1)).WaitAsync(Bound));
    }

    [Fact]
    public async Task Job_UnknownMembers_FailsBeforeAnyWrite()
    {
        var import = new DirectoryImport(
            [new ImportedUser("a", Profile("A"))],
            [new ImportedGroup("g", "G", ["a", "ghost-2", "ghost-1"])]);

        await Job("j2").StartAsync(import).WaitAsync(Bound);
        var done = await FinishedAsync("j2");

        Assert.Equal(ImportJobState.Failed, done!.State);
        Assert.Equal(["ghost-1", "ghost-2"], done.UnknownMembers.ToArray());
        Assert.Null(await User("a").GetSnapshotAsync().WaitAsync(Bound));
        Assert.Null(await Group("g").GetSnapshotAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task Job_ActivationEndsMidway_ResumesFromItsStoredCursor()
    {
        var import = Import(12_000, ("all", 0, 6_000));
        await Job("j3").StartAsync(import).WaitAsync(Bound);
        await Poll.UntilAsync(async () => (await Job("j3").GetStatusAsync())!.UsersDone > 0, JobBound, "some users done");

        // As after a silo died: the activation is gone, its stored cursor stays.
        await Fixture.Cluster.DeactivateAsync(Job("j3")).WaitAsync(Bound);
        var done = await FinishedAsync("j3");

        Assert.Equal(ImportJobState.Succeeded, done!.State);
        Assert.True(done.Resumes >= 1, $"resumes {done.Resumes}");
        Assert.Equal(6_000, (await Group("all").GetSnapshotAsync().WaitAsync(Bound))!.Members.Length);
        Assert.NotNull(await User("u11999").GetSnapshotAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task Status_UnknownJob_Null()
    {
        Assert.Null(await Job("never").GetStatusAsync().WaitAsync(Bound));
        Assert.Null(await Job("never").WaitAsync(TimeSpan.Zero).WaitAsync(Bound));
    }
}
