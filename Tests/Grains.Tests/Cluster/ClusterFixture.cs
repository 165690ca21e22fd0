using FreedomCti.Presence.Hosting;
using Orleans.TestingHost;

namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>One in-process cluster of two silos, configured exactly like a real silo via AddPresenceGrid, shared by a test collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddPresenceGrid().AddIncomingGrainCallFilter<GroupPushFaults>());
        Cluster = builder.Build();
        await Cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Presence cluster";
}
