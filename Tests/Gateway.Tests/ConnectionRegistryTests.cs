using FreedomCti.Presence.Gateway.Connections;

namespace FreedomCti.Presence.Tests;

/// <summary>Connection ids name one socket across every gateway: in logs, metrics and session records.</summary>
public sealed class ConnectionRegistryTests
{
    [Fact]
    public void Ids_FromTwoGatewaysOfTheSameProcessId_NeverCollide_AndCarryNoProcessId()
    {
        // Two registries stand in for two pods, each PID 1: ids once were a counter and the process id, so both said "c1-1".
        var (first, second) = (new ConnectionRegistry(), new ConnectionRegistry());
        var ids = Enumerable.Range(0, 1000).SelectMany(_ => new[] { first.NextId(), second.NextId() }).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^c-[0-9a-f]{32}$", id));
        Assert.DoesNotContain(ids, id => id.EndsWith($"-{Environment.ProcessId:x}", StringComparison.Ordinal));
    }
}
