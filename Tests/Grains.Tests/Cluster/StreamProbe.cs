using Orleans.Runtime;
using Orleans.Streams;

namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>Subscribes from the cluster client to one presence stream and records what arrives.</summary>
public sealed class StreamProbe<T> : IAsyncDisposable
{
    private readonly List<T> _items = [];
    private StreamSubscriptionHandle<T>? _handle;

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    public static async Task<StreamProbe<T>> SubscribeAsync(IClusterClient client, StreamId streamId)
    {
        var probe = new StreamProbe<T>();
        var stream = client.GetStreamProvider(PresenceStreams.ProviderName).GetStream<T>(streamId);
        probe._handle = await stream.SubscribeAsync((item, _) =>
        {
            lock (probe._items)
            {
                probe._items.Add(item);
            }
            return Task.CompletedTask;
        }).WaitAsync(Poll.Timeout);
        return probe;
    }

    /// <summary>Waits until the recorded items satisfy the condition; fails with what did arrive.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync(Func<IReadOnlyList<T>, bool> condition, TimeSpan? timeout = null)
    {
        IReadOnlyList<T> items = [];
        var met = await Poll.TryUntilAsync(() =>
        {
            items = Items;
            return Task.FromResult(condition(items));
        }, timeout);
        Assert.True(met, $"Stream condition not met; received {items.Count}: {string.Join(" | ", items)}");
        return items;
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
        {
            await _handle.UnsubscribeAsync().WaitAsync(Poll.Timeout);
        }
    }
}
