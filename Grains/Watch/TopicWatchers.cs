using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace FreedomCti.Presence.Grains;

/// <summary>
/// The gateways watching one grain's topic: one observer per gateway (never one per socket), each on a lease the
/// gateway renews, so a gateway that dies without unwatching costs nothing after its lease.
/// </summary>
/// <remarks>
/// Held in the activation's memory only: a watch is cheap to make again, and a gateway makes it again when the
/// activation ends (<c>OnMoved</c>) or its silo dies. Nothing here is ever written to storage.
/// </remarks>
internal sealed class TopicWatchers<TObserver> where TObserver : IGrainObserver
{
    /// <summary>Bounds on the lease a gateway may ask for: short enough to forget dead gateways, long enough to renew calmly.</summary>
    public static readonly TimeSpan MinLease = TimeSpan.FromSeconds(5), MaxLease = TimeSpan.FromMinutes(15);

    private readonly ObserverManager<TObserver> _observers;

    public TopicWatchers(TimeProvider time, ILogger log) =>
        _observers = new ObserverManager<TObserver>(MaxLease, log) { GetDateTime = () => time.GetUtcNow().UtcDateTime };

    public int Count => _observers.Count;

    /// <summary>Adds or renews a gateway's watch.</summary>
    /// <remarks>One expiry for all: gateways of one deployment ask for the same lease; the longest asked wins.</remarks>
    public void Watch(TObserver observer, TimeSpan lease)
    {
        var bounded = lease < MinLease ? MinLease : lease > MaxLease ? MaxLease : lease;
        if (_observers.Count == 0 || bounded > _observers.ExpirationDuration) _observers.ExpirationDuration = bounded;
        _observers.Subscribe(observer, observer);
    }

    public void Unwatch(TObserver observer) => _observers.Unsubscribe(observer);

    /// <summary>Sends to every live watcher without waiting (the observer methods are one-way); expired ones are dropped.</summary>
    public void Notify(Action<TObserver> send) => _observers.Notify(send);

    public void Clear() => _observers.Clear();
}
