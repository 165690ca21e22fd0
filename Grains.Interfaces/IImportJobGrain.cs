using System.Collections.Immutable;

namespace FreedomCti.Presence;

/// <summary>
/// One bulk directory import run as a job, keyed "{orgId}/{jobId}": it validates, then creates users and defines groups
/// in bounded steps, storing its progress after each, so it finishes regardless of any caller's timeout and resumes
/// where it stopped after its silo died.
/// </summary>
[Alias("fcti.IImportJobGrain")]
public interface IImportJobGrain : IGrainWithStringKey
{
    /// <summary>Stores the import and starts it; a job that was started already answers its status and ignores the import.</summary>
    [Alias("Start")]
    Task<ImportJobStatus> StartAsync(DirectoryImport import);

    /// <summary>The job's progress; null for a job that was never started.</summary>
    [Alias("GetStatus"), Orleans.Concurrency.AlwaysInterleave]
    Task<ImportJobStatus?> GetStatusAsync();

    /// <summary>The status once the job finished, or as it is after <paramref name="timeout"/>; null for a job never started.</summary>
    [Alias("Wait"), Orleans.Concurrency.AlwaysInterleave]
    Task<ImportJobStatus?> WaitAsync(TimeSpan timeout);
}

[GenerateSerializer, Alias("fcti.ImportJobState")]
public enum ImportJobState
{
    /// <summary>Checking that every member not imported is in the directory; nothing written yet.</summary>
    Validating = 0,
    Running = 1,
    Succeeded = 2,
    /// <summary>Unknown members (nothing was written), or a step kept failing (what was written stays; run the import again).</summary>
    Failed = 3,
}

/// <summary>An import job's progress and outcome.</summary>
/// <param name="UnknownMembers">Members that are neither imported nor in the directory (the job failed before any write); at most 100.</param>
/// <param name="Errors">The latest errors of steps that failed and were retried (at most 10).</param>
/// <param name="Resumes">How often the job continued in a new activation (after its silo died or it was moved).</param>
[GenerateSerializer, Immutable, Alias("fcti.ImportJobStatus")]
public sealed record ImportJobStatus(
    string JobId,
    ImportJobState State,
    int UsersDone,
    int UsersTotal,
    int GroupsDone,
    int GroupsTotal,
    int Memberships,
    ImmutableArray<string> UnknownMembers,
    ImmutableArray<string> Errors,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    int Resumes)
{
    public bool Finished => State is ImportJobState.Succeeded or ImportJobState.Failed;
}
