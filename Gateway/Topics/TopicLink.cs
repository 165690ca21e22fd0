namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// The Orleans side of one topic, and the only place that knows how changes travel from a grain to this gateway:
/// one grain observer per topic per gateway (never one per socket), registered with the user or group grain on a
/// lease that the topic renews, and told by the grain when its activation ends.
/// </summary>
/// <remarks>
/// Observer calls are one-way, so a grain never waits on a gateway and a lost delivery only shows up as a seq gap,
/// which the topic repairs from the grain's snapshot. Orleans keeps only a weak reference to an observer object:
/// the topic holds its link for as long as it lives, and the link drops its registration when the topic is released.
/// </remarks>
public abstract class TopicLink<TEvent> where TEvent : class
{
    private Action<TEvent> _onEvent = static _ => { };
    private Action _onMoved = static () => { };

    protected TopicLink(IGrainFactory grains, TimeSpan lease)
    {
        Grains = grains;
        Lease = lease;
    }

    protected IGrainFactory Grains { get; }

    protected TimeSpan Lease { get; }

    /// <summary>The silo that held the grain at the last successful watch; null before it.</summary>
    public SiloAddress? Host { get; private set; }

    /// <summary>Connects the link to its topic; called once, by the topic's constructor.</summary>
    public void Bind(Action<TEvent> onEvent, Action onMoved)
    {
        _onEvent = onEvent;
        _onMoved = onMoved;
    }

    /// <summary>Registers or renews this gateway's watch; the receipt says whether the target exists and its seq now.</summary>
    public async Task<WatchReceipt> WatchAsync()
    {
        var receipt = await WatchCoreAsync();
        Host = receipt.Host;
        return receipt;
    }

    /// <summary>Ends the watch and the observer's registration; best effort, as the lease would end it anyway.</summary>
    public async Task UnwatchAsync()
    {
        try
        {
            await UnwatchCoreAsync();
        }
        finally
        {
            DeleteReference();
        }
    }

    protected abstract Task<WatchReceipt> WatchCoreAsync();

    protected abstract Task UnwatchCoreAsync();

    protected abstract void DeleteReference();

    // Observer callbacks run on Orleans' message pump for this one observer: sequential per topic, parallel across topics.
    protected Task Deliver(TEvent evt)
    {
        _onEvent(evt);
        return Task.CompletedTask;
    }

    protected Task Moved()
    {
        _onMoved();
        return Task.CompletedTask;
    }
}

/// <summary>A user topic's link: this gateway's <see cref="IUserObserver"/> on the user grain.</summary>
public sealed class UserTopicLink(IGrainFactory grains, TimeSpan lease, string grainKey) : TopicLink<UserEvent>(grains, lease), IUserObserver
{
    private readonly IUserGrain _grain = grains.GetGrain<IUserGrain>(grainKey);
    private IUserObserver? _reference;

    protected override Task<WatchReceipt> WatchCoreAsync() => _grain.WatchAsync(Reference, Lease);

    protected override Task UnwatchCoreAsync() => _reference is null ? Task.CompletedTask : _grain.UnwatchAsync(_reference);

    // A renewal and a re-watch may overlap: both must register the same reference.
    internal IUserObserver Reference
    {
        get { lock (_grain) return _reference ??= Grains.CreateObjectReference<IUserObserver>(this); }
    }

    protected override void DeleteReference()
    {
        lock (_grain)
        {
            if (_reference is not null) Grains.DeleteObjectReference<IUserObserver>(_reference);
            _reference = null;
        }
    }

    Task IUserObserver.OnEventAsync(UserEvent evt) => Deliver(evt);

    Task IUserObserver.OnMovedAsync() => Moved();
}

/// <summary>A group topic's link: this gateway's <see cref="IGroupObserver"/> on the group grain.</summary>
public sealed class GroupTopicLink(IGrainFactory grains, TimeSpan lease, string grainKey) : TopicLink<GroupEvent>(grains, lease), IGroupObserver
{
    private readonly IGroupGrain _grain = grains.GetGrain<IGroupGrain>(grainKey);
    private IGroupObserver? _reference;

    protected override Task<WatchReceipt> WatchCoreAsync() => _grain.WatchAsync(Reference, Lease);

    protected override Task UnwatchCoreAsync() => _reference is null ? Task.CompletedTask : _grain.UnwatchAsync(_reference);

    // A renewal and a re-watch may overlap: both must register the same reference.
    internal IGroupObserver Reference
    {
        get { lock (_grain) return _reference ??= Grains.CreateObjectReference<IGroupObserver>(this); }
    }

    protected override void DeleteReference()
    {
        lock (_grain)
        {
            if (_reference is not null) Grains.DeleteObjectReference<IGroupObserver>(_reference);
            _reference = null;
        }
    }

    Task IGroupObserver.OnEventAsync(GroupEvent evt) => Deliver(evt);

    Task IGroupObserver.OnMovedAsync() => Moved();
}
