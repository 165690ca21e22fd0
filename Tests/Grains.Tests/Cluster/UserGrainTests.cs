namespace FreedomCti.Presence.Tests.Cluster;

public class UserGrainTests(ClusterFixture fixture) : PresenceClusterTest(fixture)
{
    [Fact]
    public async Task Watch_SeveralChanges_EventsCarryConsecutiveSeqs_InTheOrderOfTheChanges()
    {
        var alice = User("alice");
        await alice.UpsertProfileAsync(Profile("Alice")).WaitAsync(Bound);
        await using var probe = await ObserverProbe<UserEvent>.WatchUserAsync(Client, OrgId, "alice");
        Assert.Equal(new WatchReceipt(true, 1, probe.Receipt.Host), probe.Receipt);

        await alice.SetPresenceAsync(new PresenceChange(PresenceStatus.Available, "Ready")).WaitAsync(Bound);
        await alice.StartCallAsync(new ActiveCall("c1", CallDirection.Inbound, null, DateTimeOffset.UtcNow)).WaitAsync(Bound);
        await alice.SetPresenceAsync(new PresenceChange(PresenceStatus.Away, "after this call")).WaitAsync(Bound);
        var ended = await alice.EndCallAsync("c1").WaitAsync(Bound);

        // In seq order, not arrival order (ObserverProbe): they once arrived as 3, 4, 5, 2 under load.
        var events = await probe.WaitForAsync(e => e.Count >= 4);
        Assert.Equal([2L, 3, 4, 5], events.Select(e => e.Seq));
        Assert.All(events, e => Assert.Equal(UserEventKind.Changed, e.Kind));
        Assert.Equal(
            [PresenceStatus.Available, PresenceStatus.OnCall, PresenceStatus.OnCall, PresenceStatus.Away],
            events.Select(e => e.User!.Status));
        Assert.Equal(CallOutcome.Done, ended.Outcome);
        Assert.Equal(PresenceStatus.OnCall, ended.User!.PreviousStatus);
    }

    [Fact]
    public async Task SetPresence_UnknownUser_ReturnsUnknownUserAndCreatesNothing()
    {
        var ghost = User("ghost");

        var result = await ghost.SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null), new WriteKey("k", "fp")).WaitAsync(Bound);

        Assert.Equal(new UserWriteResult(CallOutcome.UnknownUser, null), result);
        Assert.Null(await ghost.GetSnapshotAsync().WaitAsync(Bound));
        Assert.Equal(CallOutcome.UnknownUser, (await ghost.EndCallAsync("c").WaitAsync(Bound)).Outcome);
    }

    [Fact]
    public async Task StartCall_AnotherCallActive_ConflictAndStateKept()
    {
        var bob = User("bob");
        await bob.UpsertProfileAsync(Profile("Bob")).WaitAsync(Bound);
        await bob.StartCallAsync(new ActiveCall("c1", CallDirection.Outbound, "+44", DateTimeOffset.UtcNow)).WaitAsync(Bound);

        var second = await bob.StartCallAsync(new ActiveCall("c2", CallDirection.Inbound, null, DateTimeOffset.UtcNow)).WaitAsync(Bound);

        Assert.Equal(CallOutcome.Conflict, second.Outcome);
        Assert.Equal("c1", second.User!.ActiveCall!.CallId);
    }

    [Fact]
    public async Task SetPresence_MemberOfGroups_EveryGroupHasTheChangeWhenTheCallReturns()
    {
        var ids = await CreateUsersAsync(3);
        await PutGroupAsync("g1", ids);
        await PutGroupAsync("g2", ids[0]);

        await User(ids[0]).SetPresenceAsync(new PresenceChange(PresenceStatus.Dnd, null)).WaitAsync(Bound);

        // No polling: the user awaits its groups before acknowledging.
        var g1 = await Group("g1").GetSnapshotAsync().WaitAsync(Bound);
        var g2 = await Group("g2").GetSnapshotAsync().WaitAsync(Bound);
        Assert.Equal(new GroupSummary(3, 0, 0, 0, 0, 1, 2), g1!.Summary.StatusCounts());
        Assert.Equal(new GroupSummary(1, 0, 0, 0, 0, 1, 0), g2!.Summary.StatusCounts());
        Assert.Equal(PresenceStatus.Dnd, g1.Members.Single(m => m.UserId == ids[0]).Status);
    }

    [Fact]
    public async Task Delete_User_SendsRemovedDropsTheWatch_AndRecreationContinuesSeq()
    {
        var carol = User("carol");
        await carol.UpsertProfileAsync(Profile("Carol")).WaitAsync(Bound);
        await using var probe = await ObserverProbe<UserEvent>.WatchUserAsync(Client, OrgId, "carol");
        await carol.SetPresenceAsync(new PresenceChange(PresenceStatus.Busy, null)).WaitAsync(Bound);

        await carol.DeleteAsync().WaitAsync(Bound);
        var recreated = await carol.UpsertProfileAsync(Profile("Carol")).WaitAsync(Bound);
        await carol.SetPresenceAsync(new PresenceChange(PresenceStatus.Away, null)).WaitAsync(Bound);

        var events = await probe.WaitForAsync(e => e.Count >= 2); // in seq order (ObserverProbe)
        Assert.Equal([UserEventKind.Changed, UserEventKind.Removed], events.Select(e => e.Kind));
        AssertConsecutive(events.Select(e => e.Seq));
        Assert.Null(events[1].User);
        Assert.Equal(4, recreated.Seq);
        // The deleted user's watchers are gone: the re-created user's changes reach nobody until watched again.
        await using var again = await ObserverProbe<UserEvent>.WatchUserAsync(Client, OrgId, "carol");
        await carol.SetPresenceAsync(new PresenceChange(PresenceStatus.Dnd, null)).WaitAsync(Bound);
        await again.WaitForAsync(e => e.Count == 1 && e[0].Seq == 6);
        Assert.Equal(2, probe.Items.Count);
    }

    [Fact]
    public async Task Watch_UnknownUser_RegistersNothing()
    {
        await using var probe = await ObserverProbe<UserEvent>.WatchUserAsync(Client, OrgId, "nobody");

        Assert.False(probe.Receipt.Exists);
        await User("nobody").UpsertProfileAsync(Profile("Nobody")).WaitAsync(Bound);
        await User("nobody").SetPresenceAsync(new PresenceChange(PresenceStatus.Busy, null)).WaitAsync(Bound);
        // A watcher that registered would have seen both; a later watch sees only what follows it.
        await using var later = await ObserverProbe<UserEvent>.WatchUserAsync(Client, OrgId, "nobody");
        await User("nobody").SetPresenceAsync(new PresenceChange(PresenceStatus.Away, null)).WaitAsync(Bound);
        await later.WaitForAsync(e => e.Count == 1);
        Assert.Empty(probe.Items);
    }

    [Fact]
    public async Task Deactivation_TellsWatchersTheGrainMoved_AndTheNextActivationHasNoWatchers()
    {
        var dave = User("dave");
        await dave.UpsertProfileAsync(Profile("Dave")).WaitAsync(Bound);
        await using var probe = await ObserverProbe<UserEvent>.WatchUserAsync(Client, OrgId, "dave");

        await Fixture.Cluster.DeactivateAsync(dave).WaitAsync(Bound);
        await Poll.UntilAsync(() => probe.Moved == 1, Poll.Timeout, "the moved notice");
        await dave.SetPresenceAsync(new PresenceChange(PresenceStatus.Busy, null)).WaitAsync(Bound);

        // Watching again reaches the new activation, which answers with the seq the gateway compares against.
        await using var again = await ObserverProbe<UserEvent>.WatchUserAsync(Client, OrgId, "dave");
        Assert.Equal(2, again.Receipt.Seq);
        await dave.SetPresenceAsync(new PresenceChange(PresenceStatus.Away, null)).WaitAsync(Bound);
        await again.WaitForAsync(e => e.Count == 1 && e[0].Seq == 3);
        Assert.Empty(probe.Items);
    }

    [Fact]
    public async Task Organisation_Upsert_KeepsSettingsWhenNull()
    {
        var org = Client.GetGrain<IOrganisationGrain>(OrgId);
        Assert.Null(await org.GetAsync().WaitAsync(Bound));

        await org.UpsertAsync("Acme", new OrganisationSettings(50)).WaitAsync(Bound);
        var renamed = await org.UpsertAsync("Acme Ltd", null).WaitAsync(Bound);

        Assert.Equal(new OrganisationInfo(OrgId, "Acme Ltd", new OrganisationSettings(50)), renamed);
        Assert.Equal(renamed, await org.GetAsync().WaitAsync(Bound));
    }
}
