namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>
/// Watches one user or group grain from the cluster client, as a gateway does, and records what arrives in seq order,
/// as a gateway's topic applies it: Orleans may deliver one-way events reordered (docs/architecture.md, "Orleans
/// delivers events out of order"), so a test never reads the arrival order.
/// </summary>
public sealed class ObserverProbe<T> : IUserObserver, IGroupObserver, IAsyncDisposable where T : class
{
    private readonly List<T> _items = [];
    private readonly IClusterClient _client;
    private readonly Func<ObserverProbe<T>, Task> _unwatch;
    private readonly Func<T, long> _seqOf;
    private int _moved;
    private Func<Task<WatchReceipt>>? _renew;

    private ObserverProbe(IClusterClient client, Func<T, long> seqOf, Func<ObserverProbe<T>, Task> unwatch)
    {
        _client = client;
        _seqOf = seqOf;
        _unwatch = unwatch;
    }

    public IReadOnlyList<T> Items { get { lock (_items) return [.. _items]; } }

    /// <summary>How many times the grain said its activation ended.</summary>
    public int Moved => Volatile.Read(ref _moved);

    public WatchReceipt Receipt { get; private set; } = null!;

    public static async Task<ObserverProbe<UserEvent>> WatchUserAsync(IClusterClient client, string orgId, string userId)
    {
        var grain = client.GetGrain<IUserGrain>(PresenceIds.Key(orgId, userId));
        IUserObserver? reference = null;
        var probe = new ObserverProbe<UserEvent>(client, e => e.Seq, _ => reference is null ? Task.CompletedTask : grain.UnwatchAsync(reference));
        reference = client.CreateObjectReference<IUserObserver>(probe);
        probe.Receipt = await grain.WatchAsync(reference, TimeSpan.FromMinutes(2)).WaitAsync(Poll.Timeout);
        return probe;
    }

    public static async Task<ObserverProbe<GroupEvent>> WatchGroupAsync(IClusterClient client, string orgId, string groupId)
    {
        var grain = client.GetGrain<IGroupGrain>(PresenceIds.Key(orgId, groupId));
        IGroupObserver? reference = null;
        var probe = new ObserverProbe<GroupEvent>(client, e => e.Seq, _ => reference is null ? Task.CompletedTask : grain.UnwatchAsync(reference));
        reference = client.CreateObjectReference<IGroupObserver>(probe);
        probe._renew = () => grain.WatchAsync(reference, TimeSpan.FromMinutes(2));
        probe.Receipt = await probe.RenewAsync();
        return probe;
    }

    /// <summary>Watches again, as a gateway renews its lease (a test on a fake clock renews before moving time past it).</summary>
    public async Task<WatchReceipt> RenewAsync() =>
        await (_renew ?? throw new InvalidOperationException("only group probes renew"))().WaitAsync(Poll.Timeout);

    /// <summary>Waits until the recorded items satisfy the condition; fails with what did arrive.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync(Func<IReadOnlyList<T>, bool> condition, TimeSpan? timeout = null)
    {
        IReadOnlyList<T> items = [];
        var met = await Poll.TryUntilAsync(() =>
        {
            items = Items;
            return Task.FromResult(condition(items));
        }, timeout, intervalMs: 20); // in-process deliveries: checked as often as the former grain-test Poll did
        Assert.True(met, $"Condition not met; received {items.Count}: {string.Join(" | ", items)}");
        return items;
    }

    Task IUserObserver.OnEventAsync(UserEvent evt) => Record(evt as T);

    Task IGroupObserver.OnEventAsync(GroupEvent evt) => Record(evt as T);

    Task IUserObserver.OnMovedAsync() => CountMove();

    Task IGroupObserver.OnMovedAsync() => CountMove();

    private Task Record(T? item)
    {
        if (item is null) return Task.CompletedTask;
        lock (_items)
        {
            var at = _items.Count;
            while (at > 0 && _seqOf(_items[at - 1]) > _seqOf(item)) at--;
            _items.Insert(at, item);
        }
        return Task.CompletedTask;
    }

    private Task CountMove()
    {
        Interlocked.Increment(ref _moved);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _unwatch(this).WaitAsync(Poll.Timeout);
}
