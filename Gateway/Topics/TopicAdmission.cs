namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// Who may join a topic and who must leave it, apart from any lock or I/O: the refusal decision, and the subscribers
/// admitted only as members (agents on a group), who lose the topic when the membership no longer lists them.
/// </summary>
/// <remarks>Not thread-safe: the topic uses it under its lock, and asks the held state whether a user is a member.</remarks>
internal sealed class TopicAdmission<TSubscriber> where TSubscriber : notnull
{
    // Re-checked whenever the membership may have changed; a subscriber admitted without a required member never is.
    private readonly Dictionary<TSubscriber, string> _membersOnly = [];

    public int MembersOnlyCount => _membersOnly.Count;

    /// <summary>Why a subscriber is refused now; null when it may be admitted.</summary>
    /// <param name="released">The topic let its watch go: the hub retries on a fresh one.</param>
    /// <param name="exists">The grain answered the watch: its user or group exists.</param>
    /// <param name="loaded">A snapshot is held (it may have ended since the load that said the target exists).</param>
    /// <param name="requiredMember">When set, only a member with this user id may subscribe.</param>
    /// <param name="isMember">Asked only once the state is loaded, since membership is read from it.</param>
    public static SubscribeOutcome? Refusal(bool released, bool exists, bool loaded, string? requiredMember, Func<string, bool> isMember)
    {
        if (released) return SubscribeOutcome.Failed;
        if (!exists || !loaded) return SubscribeOutcome.TargetNotFound;
        if (requiredMember is not null && !isMember(requiredMember)) return SubscribeOutcome.AccessDenied;
        return null;
    }

    /// <summary>Records that the subscriber was admitted; one admitted as a member stays only while it is one.</summary>
    public void Admitted(TSubscriber subscriber, string? requiredMember)
    {
        if (requiredMember is not null) _membersOnly[subscriber] = requiredMember;
    }

    public void Left(TSubscriber subscriber) => _membersOnly.Remove(subscriber);

    public void Clear() => _membersOnly.Clear();

    /// <summary>Forgets and returns the subscribers whose user is no longer a member; the topic ends their subscriptions.</summary>
    public List<(TSubscriber Subscriber, string UserId)> RevokeFormer(Func<string, bool> isMember)
    {
        var former = new List<(TSubscriber, string)>();
        if (_membersOnly.Count == 0) return former;
        foreach (var (subscriber, userId) in _membersOnly)
        {
            if (!isMember(userId)) former.Add((subscriber, userId));
        }
        foreach (var (subscriber, _) in former) _membersOnly.Remove(subscriber);
        return former;
    }
}
