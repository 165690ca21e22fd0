using System.Threading.Channels;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// A socket's bounded outbox. While the socket keeps up it is a plain FIFO; when it is full, the queued frames are
/// conflated instead of dropping any at random: the newest frame per member wins (at its own, newest position), a
/// full-state frame replaces everything older, control frames are kept. The last queued frame is therefore always the
/// newest, so the summary and queueMetrics a slow socket ends on are the latest.
/// </summary>
/// <remarks>
/// Memory bound per socket: <c>capacity</c> 16-byte envelopes; the frame bytes are shared with every other subscriber
/// of the topic. A conflation must free at least a quarter of the queue, otherwise the consumer is hopelessly behind
/// (more distinct members changing than it can read) and <see cref="TryEnqueue"/> says so; this also keeps the cost
/// of conflating amortised O(1) per frame for the topic's fan-out loop.
/// </remarks>
public sealed class SendQueue
{
    private readonly Channel<OutboundFrame> _channel;
    private readonly int _capacity;
    private readonly object _conflating = new();

    public SendQueue(int capacity)
    {
        _capacity = capacity;
        _channel = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = false, // the conflation drains from the writer's side
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of silently dropping
        });
    }

    public ChannelReader<OutboundFrame> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;

    /// <summary>Queues a frame without waiting; false when the socket is hopelessly behind (or the queue is completed).</summary>
    public bool TryEnqueue(OutboundFrame frame)
    {
        if (_channel.Writer.TryWrite(frame)) return true;
        if (_channel.Reader.Completion.IsCompleted) return false;
        lock (_conflating)
        {
            var queued = new List<OutboundFrame>(_capacity + 1);
            while (_channel.Reader.TryRead(out var item)) queued.Add(item);
            queued.Add(frame);
            var kept = Conflate(queued);
            var fits = kept.Count <= _capacity * 3 / 4;
            foreach (var item in kept)
            {
                if (!_channel.Writer.TryWrite(item)) return false;
            }
            return fits;
        }
    }

    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Keeps, in order, every control frame, the newest full-state frame, and the newest frame per member after it.</summary>
    public static List<OutboundFrame> Conflate(IReadOnlyList<OutboundFrame> frames)
    {
        var kept = new List<OutboundFrame>(frames.Count);
        var members = new HashSet<string>(StringComparer.Ordinal);
        var fullStateSeen = false;
        for (var i = frames.Count - 1; i >= 0; i--)
        {
            var f = frames[i];
            var keep = f.Conflation switch
            {
                FrameConflation.None => true,
                FrameConflation.FullState => !fullStateSeen,
                _ => !fullStateSeen && members.Add(f.MemberKey!),
            };
            if (f.Conflation == FrameConflation.FullState) fullStateSeen = true;
            if (keep) kept.Add(f);
        }
        kept.Reverse();
        return kept;
    }
}
