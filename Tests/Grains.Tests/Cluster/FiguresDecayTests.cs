using FreedomCti.Presence.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>
/// A one-silo cluster whose clock is a <see cref="FakeTimeProvider"/>: grain timers are created from the silo's
/// TimeProvider, so a test moves time past a window instead of waiting for it. Its own collection, so the shared
/// cluster's tests keep real time.
/// </summary>
public sealed class FakeClockClusterFixture : IAsyncLifetime
{
    /// <summary>10:00:30 UTC today: far from a UTC midnight, so no day ends while a test moves minutes.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(10).AddSeconds(30));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock); // registered last, so grains and grain timers get it
            // Orleans' own background areas (membership, messaging timeouts) stay on real time, as in
            // FakeClockGatewayHost: on the fake clock, a start-up retry under load waited on a clock that never moved,
            // and the deploy ran into its one-minute bound (seen once with the test projects side by side).
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.AddPresenceGrid();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
}

[CollectionDefinition(Name)]
public sealed class FakeClockClusterCollection : ICollectionFixture<FakeClockClusterFixture>
{
    public const string Name = "Presence cluster on a fake clock";
}

/// <summary>The rolling-window figures decay by themselves: a quiet group publishes them when an outcome leaves the window.</summary>
[Collection(FakeClockClusterCollection.Name)]
public sealed class FiguresDecayTests(FakeClockClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _orgId = "org-" + Guid.NewGuid().ToString("N")[..12];

    private IGroupGrain Group(string groupId) => fixture.Client.GetGrain<IGroupGrain>(PresenceIds.Key(_orgId, groupId));

    [Fact]
    public async Task QuietGroup_AnsweredCallLeavesTheWindow_WatchersGetTheDecayedFiguresOnce_InSeq()
    {
        var clock = fixture.Clock;
        var result = await fixture.Client.GetGrain<IDirectoryGrain>(_orgId).PutGroupAsync("quiet", "quiet name", []).WaitAsync(Bound);
        Assert.Equal(DirectoryOutcome.Done, result.Outcome);
        await using var probe = await ObserverProbe<GroupEvent>.WatchGroupAsync(fixture.Client, _orgId, "quiet");
        var group = Group("quiet");
        var terms = new QueueTerms("UTC", 5);

        await group.EnqueueCallAsync("c1", TimeSpan.FromHours(1)).WaitAsync(Bound);
        clock.Advance(TimeSpan.FromSeconds(10));
        var left = await group.LeaveQueueAsync("c1", QueueExit.Answered, "u1", terms).WaitAsync(Bound);
        Assert.Equal(1, left!.Metrics.Window!.Answered);
        // Queue events are coalesced to one a second, on the same clock.
        clock.Advance(TimeSpan.FromSeconds(1));
        var counted = (await probe.WaitForAsync(e => e.Any(x => x.Queue.Window?.Answered == 1 && x.Queue.CallsWaiting == 0)))
            .Single(x => x.Queue.Window?.Answered == 1 && x.Queue.CallsWaiting == 0);
        Assert.Equal(100.0, counted.Queue.Window!.ServiceLevel);

        // Answered at 10:00:40: its minute leaves a 5-minute window at 10:05:00. Nothing else happens to the group.
        var windowEnds = new DateTimeOffset(clock.GetUtcNow().Date, TimeSpan.Zero).AddHours(10).AddMinutes(5);
        clock.Advance(windowEnds - clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await group.GetSnapshotAsync().WaitAsync(Bound))!.Queue.Window!.Answered);
        await probe.RenewAsync(); // the watch's lease runs on the same clock
        clock.Advance(TimeSpan.FromSeconds(1));

        var decayed = await probe.WaitForAsync(e => e.Any(x => x.Seq > counted.Seq));
        var next = decayed.First(x => x.Seq > counted.Seq);
        Assert.Equal(counted.Seq + 1, next.Seq);
        Assert.Equal(GroupEventKind.QueueChanged, next.Kind);
        Assert.Equal(new QueuePeriod(5, null, 0, 0, null, null), next.Queue.Window);
        Assert.Equal(1, next.Queue.Today!.Answered); // today keeps it until the organisation's midnight
        Assert.Equal(10, next.Queue.AverageWaitSeconds); // the 15-minute average keeps it too
        Assert.Equal(next.Seq, await group.GetSeqAsync().WaitAsync(Bound));

        // The average is next (10:15:40 and a tick), and it is published by itself too.
        clock.Advance(TimeSpan.FromMinutes(10).Add(TimeSpan.FromSeconds(39)));
        Assert.Equal(10, (await group.GetSnapshotAsync().WaitAsync(Bound))!.Queue.AverageWaitSeconds);
        await probe.RenewAsync();
        clock.Advance(TimeSpan.FromSeconds(2));
        var averaged = (await probe.WaitForAsync(e => e.Any(x => x.Seq > next.Seq))).Where(x => x.Seq > next.Seq).ToList();
        Assert.Equal(next.Seq + 1, averaged[0].Seq);
        Assert.Equal(0, averaged[0].Queue.AverageWaitSeconds);
        Assert.Equal(1, averaged[0].Queue.Today!.Answered);
    }
}
