using System.Collections.Immutable;
using FreedomCti.Presence.Persistence;
using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace FreedomCti.Presence.Tests.Persistence;

/// <summary>A group's rows: what each change writes, and what a crash midway or the old single-row layout leaves for the next activation.</summary>
public class GroupStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly GrainId Id = GrainId.Create("group", "org-1/g1");

    private readonly RowStorage _rows = new();
    private readonly RowStorage _legacy = new();

    private GroupStore Store() => new(_rows, _legacy, Id, "org-1", "g1", NullLogger.Instance);

    private static GroupMember Member(int i, PresenceStatus status = PresenceStatus.Offline) =>
        new($"user-{i}", $"User {i}", $"{1000 + i}", status, null, 3);

    private static GroupState Defined(int members, string name = "Sales") =>
        GroupState.Empty.WithDefinition(name, Enumerable.Range(0, members).Select(i => Member(i, (PresenceStatus)(i % 6))), T0);

    [Fact]
    public async Task Definition_TwentyThousandMembers_RoundTripsInChunksWellUnderTheEntityLimit()
    {
        var state = Defined(20_000);
        await Store().SaveDefinitionAsync(state, 1, T0);

        var loaded = await Store().LoadAsync(T0);

        Assert.Equal(state.Members.Values, loaded.Members.Values);
        Assert.Equal(state.Summary, loaded.Summary);
        Assert.Equal("Sales", loaded.GroupName);
        Assert.Equal(1 + 64, _rows.RowNames.Count);
        Assert.InRange(_rows.LargestRow, 1, 100_000);
    }

    [Fact]
    public async Task MemberAddedOrRemoved_RewritesOneChunk_QueueChange_WritesOnlyTheQueue()
    {
        var store = Store();
        var state = Defined(20_000);
        await store.SaveDefinitionAsync(state, 1, T0);

        _rows.ResetCounts();
        var added = state.WithMembersAdded([Member(20_001)], T0);
        await store.SaveMembershipAsync(added, 1, T0);
        Assert.Equal(1, _rows.Writes);
        Assert.StartsWith("members.", Assert.Single(_rows.Written));

        _rows.ResetCounts();
        await store.SaveMembershipAsync(added.WithMemberRemoved("user-5", T0), 1, T0);
        Assert.Equal(1, _rows.Writes);

        _rows.ResetCounts();
        await store.SaveQueueAsync(added.WithCallEnqueued("c1", T0, TimeSpan.FromHours(1)).Queue);
        Assert.Equal(["queue"], _rows.Written);
        Assert.InRange(_rows.BytesWritten, 1, 200);
    }

    [Fact]
    public async Task QueueOutcomes_TermsAndThreshold_RoundTripInTheQueueRowAlone()
    {
        var store = Store();
        var state = Defined(3);
        await store.SaveDefinitionAsync(state, 1, T0);
        var queue = state.Queue.WithTerms(new QueueTerms("Europe/Berlin", 30)).WithServiceLevelThreshold(10)
            .Enqueue("a", T0, TimeSpan.FromHours(1)).Enqueue("b", T0, TimeSpan.FromHours(1)).Enqueue("c", T0, TimeSpan.FromHours(1));
        queue = queue.Leave("a", QueueExit.Answered, T0.AddSeconds(8), "user-1")!.Queue;
        queue = queue.Leave("b", QueueExit.Answered, T0.AddMinutes(2), "user-2")!.Queue;

        _rows.ResetCounts();
        await store.SaveQueueAsync(queue);
        var loaded = (await Store().LoadAsync(T0)).Queue;

        Assert.Equal(["queue"], _rows.Written);
        Assert.Equal(queue.Terms, loaded.Terms);
        Assert.Equal(10, loaded.ServiceLevelThresholdSeconds);
        Assert.Equal(queue.Outcomes.Minutes, loaded.Outcomes.Minutes);
        Assert.Equal((queue.Outcomes.Day, queue.Outcomes.Today), (loaded.Outcomes.Day, loaded.Outcomes.Today));
        Assert.Equal("user-2", loaded.Departures[^1].AnsweredBy);
        Assert.Equal(queue.ToMetrics(T0.AddMinutes(3)), loaded.ToMetrics(T0.AddMinutes(3)));
    }

    [Fact]
    public async Task QueueRowOfAnEarlierVersion_ReadsAsNoOutcomesAndTheDefaults()
    {
        var earlier = System.Text.Json.JsonSerializer.Deserialize<GroupQueueRecord>(
            """{"w":[{"c":"c1","at":"2026-01-15T10:00:00+00:00","exp":"2026-01-15T11:00:00+00:00"}],"d":[]}""")!;

        var read = earlier.ToState();
        await Task.CompletedTask;

        Assert.Equal(QueueTerms.Default, read.Terms);
        Assert.Equal(20, read.ServiceLevelThresholdSeconds);
        Assert.Empty(read.Outcomes.Minutes);
        Assert.Null(read.Outcomes.Day);
    }

    [Fact]
    public async Task SameDefinitionAgain_WritesNothing()
    {
        var store = Store();
        await store.SaveDefinitionAsync(Defined(1_000), 1, T0);
        _rows.ResetCounts();

        // Presence changed meanwhile (not stored), membership did not: a nightly re-import costs no writes.
        await store.SaveDefinitionAsync(Defined(1_000).WithMemberUpdated(Member(3, PresenceStatus.Busy) with { UserSeq = 9 }, T0).State, 1, T0);

        Assert.Equal(0, _rows.Writes);
    }

    [Fact]
    public async Task Redefinition_FailingMidway_TheNextActivationReadsTheOldMembers_AndRemovesTheHalfWrittenRows()
    {
        var old = Defined(1_000);
        await Store().SaveDefinitionAsync(old, 1, T0);
        var rowsBefore = _rows.RowNames.ToHashSet();
        var replacement = GroupState.Empty.WithDefinition("Sales", Enumerable.Range(5_000, 1_000).Select(i => Member(i)), T0);

        var store = Store();
        await store.LoadAsync(T0);
        _rows.ResetCounts();
        _rows.FailWrite = (n, name) => n == 3 && name.StartsWith("members.", StringComparison.Ordinal); // pending header, one chunk, then a crash
        await Assert.ThrowsAsync<IOException>(() => store.SaveDefinitionAsync(replacement, 1, T0.AddMinutes(1)));
        _rows.FailWrite = (_, _) => false;

        var next = Store();
        var loaded = await next.LoadAsync(T0.AddMinutes(2));
        Assert.Equal(old.Members.Keys, loaded.Members.Keys);
        Assert.Equal(rowsBefore, _rows.RowNames.ToHashSet());

        // The repeated definition succeeds and leaves only its own rows.
        await next.SaveDefinitionAsync(loaded.WithDefinition("Sales", replacement.Members.Values, T0.AddMinutes(3)), 2, T0.AddMinutes(3));
        Assert.Equal(replacement.Members.Keys, (await Store().LoadAsync(T0)).Members.Keys);
        Assert.Equal(1 + 4, _rows.RowNames.Count(n => n != "queue"));
    }

    [Fact]
    public async Task Activation_StoresTheNewEpoch_InTheHeaderOnly()
    {
        var state = Defined(1_000);
        await Store().SaveDefinitionAsync(state, 1, T0);
        var store = Store();
        var loaded = await store.LoadAsync(T0);
        _rows.ResetCounts();

        await store.SaveActivationAsync(loaded, store.StoredEpoch + 1, T0);

        Assert.Equal(["header"], _rows.Written);
        var again = Store();
        await again.LoadAsync(T0);
        Assert.Equal(2, again.StoredEpoch);
    }

    [Fact]
    public async Task Deleted_KeepsTheEpochInATombstone_AndRemovesMembersAndQueue()
    {
        var store = Store();
        var state = Defined(1_000);
        await store.SaveDefinitionAsync(state, 4, T0);
        await store.SaveQueueAsync(state.WithCallEnqueued("c1", T0, TimeSpan.FromHours(1)).Queue);

        await store.SaveDeletedAsync(4, T0);

        Assert.Equal(["header"], _rows.RowNames);
        var after = Store();
        Assert.False((await after.LoadAsync(T0)).Exists);
        Assert.Equal(4, after.StoredEpoch);
    }

    [Fact]
    public async Task SingleRowOfAnEarlierVersion_IsMovedToRowsOnce()
    {
        var members = Enumerable.Range(0, 900).Select(i => Member(i, PresenceStatus.Available)).OrderBy(m => m.UserId, StringComparer.Ordinal).ToList();
        _legacy.Seed("state", Id, new GroupRecord
        {
            Exists = true, GroupName = "Old", Members = members, Epoch = 7, ChangedAt = T0,
            Waiting = [new WaitingCallRecord("c1", T0)], Departures = [new DepartureRecord(T0, 12)],
        });

        var store = Store();
        var loaded = await store.LoadAsync(T0.AddMinutes(1));

        Assert.Equal(members, loaded.Members.Values);
        Assert.Equal("Old", loaded.GroupName);
        Assert.Equal(7, store.StoredEpoch);
        Assert.Equal(T0 + OrganisationSettings.DefaultMaxQueueWait, loaded.Queue.Waiting["c1"].ExpiresAt);
        Assert.Empty(_legacy.RowNames);
        _legacy.ResetCounts();
        var again = await Store().LoadAsync(T0.AddMinutes(2));
        Assert.Equal(members, again.Members.Values);
        Assert.Single(again.Queue.Waiting);
        Assert.Equal(0, _legacy.Reads);
    }
}
