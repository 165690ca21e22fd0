using System.Collections.Immutable;
using FreedomCti.Presence.Persistence;
using FreedomCti.Presence.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace FreedomCti.Presence.Grains;

/// <summary>Runs one bulk import in bounded steps (<see cref="ImportPlan"/>), storing its cursor after each, until it is done.</summary>
/// <remarks>
/// <para>Driven by a grain timer, one step per tick, so status reads are answered between steps and no call ever waits for
/// the whole import. A durable reminder (every <see cref="ResumePeriod"/>) brings the job back after its silo died even if
/// nobody asks; any call activates it too, and an activation of an unfinished job resumes at once from its stored cursor.
/// A step that is repeated after a crash repeats idempotent writes only.</para>
/// <para>Rows (<see cref="PresenceStorage.Rows"/>): "job" (cursor, counts, outcome) and "input.{i}" (the import, deleted
/// once the job finished).</para>
/// </remarks>
public sealed class ImportJobGrain(TimeProvider time, ILogger<ImportJobGrain> logger) : Grain, IImportJobGrain, IRemindable
{
    public static readonly TimeSpan ResumePeriod = TimeSpan.FromMinutes(1);

    private const string JobRow = "job", InputPrefix = "input", ResumeReminder = "resume";

    /// <summary>A step that fails this often in a row fails the job (after backoff, about two minutes of trying).</summary>
    private const int MaxFailures = 8;

    private const int MaxGroupsInFlight = 4;
    private const int MaxKeptErrors = 10, MaxKeptUnknown = 100;

    private string _orgId = "", _jobId = "";
    private GrainRows _rows = null!;
    private DirectoryWrites _writes = null!;
    private ImportJobRecord? _job;
    private DirectoryImport? _import;
    private ImportPlan? _plan;
    private List<string> _outside = [];
    // Member views of the users this activation created or read, so groups are defined without reading them again.
    private readonly Dictionary<string, GroupMember> _views = new(StringComparer.Ordinal);
    private int _unknownCount;
    private IGrainTimer? _timer;
    private bool _resumeRegistered;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_orgId, _jobId) = PresenceIds.Split(this.GetPrimaryKeyString());
        _rows = new GrainRows(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(PresenceStorage.Rows), this.GetGrainId());
        _writes = new DirectoryWrites(GrainFactory, _orgId, logger);
        _job = await _rows.ReadAsync<ImportJobRecord>(JobRow);
        if (_job is null) return;
        if (Finished(_job))
        {
            _finished.TrySetResult();
            return;
        }
        var rows = await Bounded.SelectAsync(Enumerable.Range(0, _job.InputRows).ToList(), 8, i => _rows.ReadAsync<ImportInputRecord>($"{InputPrefix}.{i}"));
        Load(ImportInput.Join(rows.Select(r => r ?? throw new InvalidDataException($"Import {_orgId}/{_jobId} lost a row of its input."))));
        _job.Resumes++;
        _unknownCount = _job.UnknownMembers.Count;
        logger.ImportResumed(_orgId, _jobId, $"{_job.Phase} {_job.Index}+{_job.Offset}");
        Arm(TimeSpan.Zero);
    }

    public async Task<ImportJobStatus> StartAsync(DirectoryImport import)
    {
        ArgumentNullException.ThrowIfNull(import);
        if (_job is not null) return Status(_job);
        var input = ImportInput.Split(import);
        await Bounded.ForEachAsync(Enumerable.Range(0, input.Count).ToList(), 8, i => _rows.WriteAsync($"{InputPrefix}.{i}", input[i]));
        Load(import);
        var now = Now;
        var job = new ImportJobRecord
        {
            State = ImportJobState.Validating, InputRows = input.Count, CreatedAt = now, UpdatedAt = now,
            UsersTotal = _plan!.UsersTotal, GroupsTotal = _plan.GroupsTotal, Memberships = _plan.MembershipsTotal,
        };
        (job.Phase, job.Index, job.Offset) = (ImportPhase.Validating, 0, 0);
        await _rows.WriteAsync(JobRow, job);
        _job = job;
        // The reminder is registered by the first step, not here: the caller waits for this call, not for the reminder table.
        Arm(TimeSpan.Zero);
        return Status(job);
    }

    public Task<ImportJobStatus?> GetStatusAsync() => Task.FromResult(_job is null ? null : Status(_job));

    public async Task<ImportJobStatus?> WaitAsync(TimeSpan timeout)
    {
        if (_job is null) return null;
        await Task.WhenAny(_finished.Task, Task.Delay(timeout, time));
        return Status(_job);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The activation already resumed (OnActivateAsync); a finished or unknown job needs no reminder any more.
        if (_job is null || Finished(_job))
        {
            await UnregisterResumeAsync();
        }
    }

    private void Load(DirectoryImport import)
    {
        _import = import;
        _plan = ImportPlan.Of(import);
        _outside = ImportPlan.Outside(import);
    }

    private void Arm(TimeSpan due)
    {
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Runs the step at the cursor, stores the new cursor, and schedules the next step (or a retry with backoff).</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var job = _job!;
        var step = _plan!.StepAt(new ImportCursor(job.Phase, job.Index, job.Offset));
        if (step is null)
        {
            await FinishAsync(ImportJobState.Succeeded);
            return;
        }
        try
        {
            if (!_resumeRegistered)
            {
                await this.RegisterOrUpdateReminder(ResumeReminder, ResumePeriod, ResumePeriod);
                _resumeRegistered = true;
            }
            await RunAsync(step);
        }
        catch (Exception ex)
        {
            job.Failures++;
            job.Errors.Add($"{Now:O} {step}: {ex.GetBaseException().Message}");
            if (job.Errors.Count > MaxKeptErrors) job.Errors.RemoveAt(0);
            logger.ImportStepFailed(ex, _orgId, _jobId, step.ToString(), job.Failures);
            if (job.Failures >= MaxFailures)
            {
                await FinishAsync(ImportJobState.Failed);
                return;
            }
            await SaveAsync(job);
            Arm(TimeSpan.FromSeconds(Math.Min(30, 1 << job.Failures)));
            return;
        }
        var next = _plan.After(step);
        (job.Phase, job.Index, job.Offset, job.Failures) = (next.Phase, next.Index, next.Offset, 0);
        if (job.State == ImportJobState.Validating && next.Phase != ImportPhase.Validating)
        {
            if (_unknownCount > 0)
            {
                // Nothing was written: the import fails as a whole, as a synchronous one would.
                job.UnknownMembers.Sort(StringComparer.Ordinal);
                await FinishAsync(ImportJobState.Failed);
                return;
            }
            job.State = ImportJobState.Running;
        }
        if (next.Phase == ImportPhase.Done)
        {
            await FinishAsync(ImportJobState.Succeeded);
            return;
        }
        await SaveAsync(job);
        Arm(TimeSpan.Zero);
    }

    private async Task RunAsync(ImportStep step)
    {
        var import = _import!;
        switch (step)
        {
            case ValidateStep v:
                var (views, unknown) = await _writes.ReadViewsAsync(_outside.GetRange(v.From, v.Count));
                Remember(views);
                _unknownCount += unknown.Length;
                _job!.UnknownMembers.AddRange(unknown.Take(Math.Max(0, MaxKeptUnknown - _job.UnknownMembers.Count)));
                break;
            case UsersStep u:
                Remember(await _writes.UpsertUsersAsync(ImportPlan.Users(import).Skip(u.From).Take(u.Count).ToList()));
                break;
            case GroupsStep g:
                await Bounded.ForEachAsync(ImportPlan.Groups(import).Skip(g.From).Take(g.Count).ToList(), MaxGroupsInFlight, async group =>
                    await _writes.DefineAsync(group.GroupId, group.GroupName, await ViewsAsync(ImportPlan.Members(group))));
                break;
            case GroupPartStep p:
                var large = ImportPlan.Groups(import)[p.Group];
                var members = ImportPlan.Members(large);
                if (p.Define)
                {
                    await _writes.LeaveDroppedAsync(large.GroupId, members.ToHashSet(StringComparer.Ordinal));
                    await _writes.Group(large.GroupId).DefineAsync(large.GroupName, [.. await ViewsAsync(members)]);
                }
                await _writes.JoinAsync(large.GroupId, members.GetRange(p.From, p.Count));
                break;
            case CatalogueStep:
                await _writes.RecordGroupsAsync([.. ImportPlan.Groups(import).Select(g => new GroupEntry(g.GroupId, g.GroupName))], []);
                break;
        }
    }

    /// <summary>Views of these members, read from the users for those this activation has not seen; users deleted meanwhile are left out.</summary>
    private async Task<List<GroupMember>> ViewsAsync(List<string> userIds)
    {
        var missing = userIds.Where(id => !_views.ContainsKey(id)).ToList();
        if (missing.Count > 0) Remember((await _writes.ReadViewsAsync(missing)).Views);
        return [.. userIds.Where(_views.ContainsKey).Select(id => _views[id])];
    }

    private void Remember(IEnumerable<GroupMember> views)
    {
        foreach (var view in views) _views[view.UserId] = view;
    }

    private async Task FinishAsync(ImportJobState state)
    {
        var job = _job!;
        job.State = state;
        job.FinishedAt = Now;
        await SaveAsync(job);
        _timer?.Dispose();
        _timer = null;
        _finished.TrySetResult();
        _views.Clear();
        var summary = Status(job);
        logger.ImportFinished(_orgId, _jobId, state.ToString(), summary.UsersDone, summary.GroupsDone, summary.Memberships,
            (long)(job.FinishedAt.Value - job.CreatedAt).TotalMilliseconds);
        try
        {
            // The input is not needed any more; the job row stays for its status.
            await Bounded.ForEachAsync(Enumerable.Range(0, job.InputRows).ToList(), 8, i => _rows.DeleteAsync<ImportInputRecord>($"{InputPrefix}.{i}"));
            await UnregisterResumeAsync();
        }
        catch (Exception ex)
        {
            logger.OldRowsNotDeleted(ex, "importjob", this.GetPrimaryKeyString(), job.InputRows);
        }
    }

    private async Task SaveAsync(ImportJobRecord job)
    {
        job.UpdatedAt = Now;
        await _rows.WriteAsync(JobRow, job);
    }

    private async Task UnregisterResumeAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private ImportJobStatus Status(ImportJobRecord job)
    {
        var cursor = new ImportCursor(job.Phase, job.Index, job.Offset);
        return new ImportJobStatus(
            _jobId,
            job.State,
            cursor.UsersDone(job.UsersTotal),
            job.UsersTotal,
            cursor.GroupsDone(job.GroupsTotal),
            job.GroupsTotal,
            job.Memberships,
            [.. job.UnknownMembers],
            [.. job.Errors],
            job.CreatedAt,
            job.UpdatedAt,
            job.FinishedAt,
            job.Resumes);
    }

    private static bool Finished(ImportJobRecord job) => job.State is ImportJobState.Succeeded or ImportJobState.Failed;
}
