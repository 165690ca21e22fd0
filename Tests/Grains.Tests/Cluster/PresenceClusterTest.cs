using System.Collections.Immutable;

namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>Base of grain tests: a fresh organisation per test and short-hands for its grains.</summary>
[Collection(ClusterCollection.Name)]
public abstract class PresenceClusterTest(ClusterFixture fixture)
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    protected ClusterFixture Fixture { get; } = fixture;

    protected IClusterClient Client => Fixture.Client;

    protected string OrgId { get; } = "org-" + Guid.NewGuid().ToString("N")[..12];

    protected IUserGrain User(string userId) => Client.GetGrain<IUserGrain>(PresenceIds.Key(OrgId, userId));

    protected IGroupGrain Group(string groupId) => Client.GetGrain<IGroupGrain>(PresenceIds.Key(OrgId, groupId));

    protected IDirectoryGrain Directory => Client.GetGrain<IDirectoryGrain>(OrgId);

    protected static UserProfile Profile(string name) => new(name, null, Capabilities.Default);

    protected async Task<string[]> CreateUsersAsync(int count, string prefix = "u")
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}{i}").ToArray();
        await Task.WhenAll(ids.Select(id => User(id).UpsertProfileAsync(Profile(id)))).WaitAsync(Bound);
        return ids;
    }

    protected async Task<GroupSnapshot> PutGroupAsync(string groupId, params string[] memberIds)
    {
        var result = await Directory.PutGroupAsync(groupId, groupId + " name", [.. memberIds]).WaitAsync(Bound);
        Assert.Equal(DirectoryOutcome.Done, result.Outcome);
        return result.Value!;
    }

    protected static void AssertConsecutive(IEnumerable<long> seqs)
    {
        var list = seqs.ToList();
        for (var i = 1; i < list.Count; i++)
        {
            Assert.True(list[i] == list[i - 1] + 1, $"seq gap: {string.Join(",", list)}");
        }
    }

    protected static ImmutableArray<string> Ids(params string[] ids) => [.. ids];
}
