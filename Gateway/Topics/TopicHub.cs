using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// All topics this gateway holds. The first local socket on a topic makes its one watch on the grain; later sockets
/// share it; the last one leaving releases it after a linger.
/// </summary>
public sealed class TopicHub
{
    private readonly ConcurrentDictionary<TopicKey, ITopic> _topics = new();
    private readonly OrganisationCache _organisations;
    private readonly TopicServices _services;
    private readonly RewatchQueue _rewatch;

    public TopicHub(IClusterClient cluster, OrganisationCache organisations, IOptions<GatewayOptions> options,
        TimeProvider clock, ILogger<TopicHub> logger, GatewayMetrics metrics)
    {
        _organisations = organisations;
        _rewatch = new RewatchQueue(options.Value.RewatchConcurrency, clock);
        _services = new TopicServices(options.Value, clock, logger, metrics, cluster, OnReleased, topic => _rewatch.Enqueue(topic));
    }

    public int TopicCount => _topics.Count;

    public IEnumerable<ITopic> Topics => _topics.Values;

    /// <summary>Topics waiting to be watched again (after a silo died or a grain moved).</summary>
    public int RewatchPending => _rewatch.Pending;

    /// <summary>Subscribes a socket to a topic and sends it the snapshot; says why not when it cannot.</summary>
    public async Task<SubscribeOutcome> SubscribeAsync(TopicKey key, ITopicSubscriber subscriber, string? requiredMember = null, long? lastSeq = null)
    {
        try
        {
            if (!await _organisations.ExistsAsync(key.OrgId).WaitAsync(_services.Options.GrainCallTimeout))
            {
                return SubscribeOutcome.OrganisationNotFound;
            }
        }
        catch (Exception ex)
        {
            GatewayLog.TopicLoadFailed(_services.Logger, key.ToString(), ex);
            return SubscribeOutcome.Failed;
        }

        // A topic may be released between lookup and add; then a fresh one is made (bounded: release needs a linger).
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var topic = _topics.GetOrAdd(key, Create);
            if (topic.IsReleased)
            {
                _topics.TryRemove(new KeyValuePair<TopicKey, ITopic>(key, topic));
                continue;
            }
            var outcome = await topic.AddAsync(subscriber, requiredMember, lastSeq);
            if (outcome != SubscribeOutcome.Failed || !topic.IsReleased) return outcome;
        }
        return SubscribeOutcome.Failed;
    }

    public void Unsubscribe(TopicKey key, ITopicSubscriber subscriber)
    {
        if (_topics.TryGetValue(key, out var topic)) topic.Remove(subscriber);
    }

    /// <summary>The cluster declared a silo dead: topics waiting to be watched again are tried now (see <see cref="RewatchQueue"/>).</summary>
    public void SiloDeclaredDead() => _rewatch.SiloDeclaredDead();

    /// <summary>
    /// Watches again every topic whose grain lived on a silo that is gone; returns how many were newly queued (a topic
    /// still being watched again from an earlier check, whose host is still the dead silo, is not counted twice).
    /// </summary>
    public int RewatchHostedOn(Func<SiloAddress, bool> isLost)
    {
        var queued = 0;
        foreach (var topic in _topics.Values)
        {
            if (topic.Host is not { } host || !isLost(host)) continue;
            if (_rewatch.Enqueue(topic)) queued++;
        }
        return queued;
    }

    /// <summary>After the cluster connection came back: events sent meanwhile are lost, so every topic is watched again and compared.</summary>
    public void RewatchAll()
    {
        foreach (var topic in _topics.Values) _rewatch.Enqueue(topic);
    }

    /// <summary>One renewal pass over every topic; failures are logged and retried on the next pass.</summary>
    public Task RenewAllAsync(CancellationToken cancellation) =>
        Parallel.ForEachAsync(_topics.Values, new ParallelOptions { MaxDegreeOfParallelism = _services.Options.RewatchConcurrency, CancellationToken = cancellation },
            async (topic, _) =>
            {
                try
                {
                    await topic.RenewAsync();
                }
                catch (Exception ex)
                {
                    GatewayLog.RenewFailed(_services.Logger, topic.Key.ToString(), ex);
                }
            });

    private ITopic Create(TopicKey key) => key.Kind == TopicKind.User
        ? new UserTopic(key, _services)
        : new GroupTopic(key, _services);

    private void OnReleased(ITopic topic) =>
        _topics.TryRemove(new KeyValuePair<TopicKey, ITopic>(topic.Key, topic));
}
