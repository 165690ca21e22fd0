namespace FreedomCti.Presence.Tests.Cluster;

public class UserGrainTests(ClusterFixture fixture) : PresenceClusterTest(fixture)
{
    [Fact]
    public async Task UserStream_SeveralChanges_EventsArriveInOrderWithConsecutiveSeq()
    {
        await using var probe = await StreamProbe<UserEvent>.SubscribeAsync(Client, PresenceStreams.ForUser(OrgId, "alice"));
        var alice = User("alice");

        await alice.UpsertProfileAsync(Profile("Alice")).WaitAsync(Bound);
        await alice.SetPresenceAsync(new PresenceChange(PresenceStatus.Available, "Ready")).WaitAsync(Bound);
        await alice.StartCallAsync(new ActiveCall("c1", CallDirection.Inbound, null, DateTimeOffset.UtcNow)).WaitAsync(Bound);
        await alice.SetPresenceAsync(new PresenceChange(PresenceStatus.Away, "after this call")).WaitAsync(Bound);
        var ended = await alice.EndCallAsync("c1").WaitAsync(Bound);

        var events = await probe.WaitForAsync(e => e.Count >= 5);
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.Seq));
        Assert.All(events, e => Assert.Equal(UserEventKind.Changed, e.Kind));
        Assert.Equal(
            [PresenceStatus.Offline, PresenceStatus.Available, PresenceStatus.OnCall, PresenceStatus.OnCall, PresenceStatus.Away],
            events.Select(e => e.User!.Status));
        Assert.Equal(CallOutcome.Done, ended.Outcome);
        Assert.Equal(PresenceStatus.OnCall, ended.User!.PreviousStatus);
    }

    [Fact]
    public async Task SetPresence_UnknownUser_ReturnsNullAndCreatesNothing()
    {
        var ghost = User("ghost");

        var result = await ghost.SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null)).WaitAsync(Bound);

        Assert.Null(result);
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
        Assert.Equal(new GroupSummary(3, 0, 0, 0, 0, 1, 2), g1!.Summary);
        Assert.Equal(new GroupSummary(1, 0, 0, 0, 0, 1, 0), g2!.Summary);
        Assert.Equal(PresenceStatus.Dnd, g1.Members.Single(m => m.UserId == ids[0]).Status);
    }

    [Fact]
    public async Task Delete_User_PublishesRemovedAndRecreationContinuesSeq()
    {
        var carol = User("carol");
        await using var probe = await StreamProbe<UserEvent>.SubscribeAsync(Client, PresenceStreams.ForUser(OrgId, "carol"));
        await carol.UpsertProfileAsync(Profile("Carol")).WaitAsync(Bound);

        await carol.DeleteAsync().WaitAsync(Bound);
        var recreated = await carol.UpsertProfileAsync(Profile("Carol")).WaitAsync(Bound);

        var events = await probe.WaitForAsync(e => e.Count >= 3);
        Assert.Equal([UserEventKind.Changed, UserEventKind.Removed, UserEventKind.Changed], events.Select(e => e.Kind));
        AssertConsecutive(events.Select(e => e.Seq));
        Assert.Null(events[1].User);
        Assert.Equal(3, recreated.Seq);
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
