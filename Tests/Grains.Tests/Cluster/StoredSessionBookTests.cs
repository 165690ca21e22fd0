using System.Text.Json.Nodes;
using FreedomCti.Presence.Persistence;
using FreedomCti.Presence.State;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>
/// The stored session book across the version that added holders, through the serializer the user grains' storage
/// really uses (taken from a silo of the test cluster): a book stored before (its sessions without the field) reads
/// back, and its sessions are REST sessions; a holder round-trips.
/// </summary>
public class StoredSessionBookTests(ClusterFixture fixture) : PresenceClusterTest(fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private IGrainStorageSerializer UserStorageSerializer =>
        Fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorageSerializer>(PresenceStorage.Name);

    private static UserPresenceState HeldBy(string holder)
    {
        var created = UserPresenceState.Empty.WithProfile(new UserProfile("Alice", "1001", Capabilities.Default), T0);
        var (_, held) = created.WithSessionOpened(new SessionOpen("s1", "desktop", PresenceStatus.Busy, holder), SessionPolicy.DefaultEnabled with { Debounce = TimeSpan.Zero }, T0);
        return held;
    }

    [Fact]
    public void ABookStoredWithoutHolders_ReadsBack_AsRestSessions_WithAFullLease()
    {
        // The version before holders stored the same record without the field: take today's and remove it.
        var stored = JsonNode.Parse(UserStorageSerializer.Serialize(HeldBy("gw-a").ToRecord()).ToString())!;
        Assert.Equal(1, RemoveEverywhere(stored, nameof(PresenceSession.Holder)));

        var record = UserStorageSerializer.Deserialize<UserRecord>(BinaryData.FromString(stored.ToJsonString()))!;
        var state = record.ToState().WithLeasesResumed(T0 + TimeSpan.FromMinutes(5));

        var session = Assert.Single(state.Book!.Sessions);
        Assert.Equal(("s1", "desktop", PresenceStatus.Busy), (session.SessionId, session.Device, session.Status));
        Assert.Null(session.Holder); // a REST session: nothing asks a holder, its client renews it
        Assert.Empty(state.HoldersToConfirm(T0 + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(59)));
        Assert.Equal(T0 + TimeSpan.FromMinutes(6), state.NextDeadline(T0 + TimeSpan.FromMinutes(5)));
        Assert.Equal(PresenceStatus.Busy, state.Evaluate(T0 + TimeSpan.FromMinutes(5)).Status);
    }

    [Fact]
    public void ABookWithAHolder_RoundTrips()
    {
        var record = UserStorageSerializer.Deserialize<UserRecord>(UserStorageSerializer.Serialize(HeldBy("gw-a").ToRecord()))!;

        Assert.Equal("gw-a", Assert.Single(record.ToState().Book!.Sessions).Holder);
    }

    /// <summary>Removes every property named <paramref name="name"/> in the document; how many there were.</summary>
    private static int RemoveEverywhere(JsonNode? node, string name)
    {
        switch (node)
        {
            case JsonObject o:
                var removed = o.Remove(name) ? 1 : 0;
                return removed + o.Select(p => p.Value).ToArray().Sum(child => RemoveEverywhere(child, name));
            case JsonArray a:
                return a.ToArray().Sum(child => RemoveEverywhere(child, name));
            default:
                return 0;
        }
    }
}
