using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>
/// All topics this gateway is subscribed to. The first local socket on a topic creates its one Orleans
/// subscription; later sockets share it; the last one leaving releases it after a linger.
/// </summary>
public sealed class TopicHub
{
    private readonly ConcurrentDictionary<TopicKey, ITopic> _topics = new();
    private readonly IClusterClient _cluster;
    private readonly OrganisationCache _organisations;
    private readonly TopicServices _services;
    private IStreamProvider? _streams;

    public TopicHub(IClusterClient cluster, OrganisationCache organisations, IOptions<GatewayOptions> options,
        TimeProvider clock, ILogger<TopicHub> logger, GatewayMetrics metrics)
    {
        _cluster = cluster;
        _organisations = organisations;
        _services = new TopicServices(options.Value, clock, logger, metrics, cluster, OnReleased);
    }

    public int TopicCount => _topics.Count;

    public IEnumerable<ITopic> Topics => _topics.Values;

    // Resolved lazily: in the embedded mode the stream provider exists only once the co-hosted silo has started.
    private IStreamProvider Streams => _streams ??= _cluster.GetStreamProvider(PresenceStreams.ProviderName);

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

    /// <summary>After the cluster connection comes back: new stream subscriptions and fresh snapshots for every topic.</summary>
    public Task ResubscribeAllAsync() =>
        Task.WhenAll(_topics.Values.Select(t => t.ResyncAsync(resubscribe: true)));

    /// <summary>One anti-entropy pass over every topic; failures are logged and retried on the next pass.</summary>
    public async Task AuditAllAsync(CancellationToken cancellation)
    {
        foreach (var topic in _topics.Values)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                await topic.AuditAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellation.IsCancellationRequested)
            {
                GatewayLog.AuditFailed(_services.Logger, topic.Key.ToString(), ex);
            }
        }
    }

    private ITopic Create(TopicKey key) => key.Kind == TopicKind.User
        ? new UserTopic(key, Streams, _services)
        : new GroupTopic(key, Streams, _services);

    private void OnReleased(ITopic topic) =>
        _topics.TryRemove(new KeyValuePair<TopicKey, ITopic>(topic.Key, topic));
}
