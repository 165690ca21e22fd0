using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Systems;

/// <summary>The tenant every system is given: users u0..u{Users-1}, and groups each naming its members.</summary>
public sealed record TenantPlan(string OrgId, int Users, IReadOnlyList<(string GroupId, int[] Members)> Groups)
{
    /// <summary>Presence sessions on (docs/presence-sessions.md), for agents that hold theirs on a socket.</summary>
    public bool Sessions { get; init; }

    /// <summary>The sessions' lease (organisation setting leaseSeconds); 60 s is the shipped default.</summary>
    public int LeaseSeconds { get; init; } = 60;
}

/// <summary>One presence write as the bench drives it, and when it was sent and answered (Stopwatch ticks).</summary>
/// <param name="Seq">The seq its frame carries when the bench assigned it (peers); -1 when the server assigns it (gateway).</param>
public readonly record struct WriteResult(long SentTicks, long AnsweredTicks, bool Ok, long Seq = -1);

/// <summary>
/// A server the bench measures: the presence gateway (embedded or split topology) or a peer fan-out server.
/// The same subscribers and the same writes are applied to each, so their figures can be divided.
/// </summary>
public interface ISystemUnderTest : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Every process of the system (CPU is summed over all of them).</summary>
    int[] ServerPids { get; }

    /// <summary>The processes that hold the sockets (resident memory per subscriber is taken from these).</summary>
    int[] SocketPids { get; }

    Task StartAsync();

    Task ProvisionAsync(TenantPlan plan);

    /// <summary>How a subscriber of <paramref name="groupId"/> connects; <paramref name="index"/> picks a gateway when there are several.</summary>
    SubscriberProcessSpec Subscriber(string groupId, int index, int count, int firstId, bool stall, int capacity);

    /// <summary>Member <paramref name="user"/> of <paramref name="groupId"/> takes <paramref name="status"/>; returns when answered.</summary>
    Task<WriteResult> WriteAsync(string groupId, int user, byte status);
}
