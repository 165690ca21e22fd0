using System.Threading.Channels;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// A socket's bounded outbox. While the socket keeps up it is a plain FIFO. When it is full, the queued state frames
/// are conflated into one fresh snapshot of the topic instead of dropping any at random: the newest state of every
/// member wins, and the summary and queueMetrics are the latest. Control frames (errors, pongs) are kept in order.
/// </summary>
/// <remarks>
/// The snapshot continues the socket's seq exactly as a resync does (docs/protocol.md: "snapshot": true, seq may jump),
/// so clients need nothing new. Memory bound per socket: <c>capacity</c> 16-byte envelopes; frame bytes are shared
/// with the topic's other subscribers (the snapshot through SnapshotFrameCache). A socket that fills its queue again
/// before it has even taken the previous conflated snapshot is hopelessly behind: <see cref="TryEnqueue"/> returns
/// false and the connection closes with 1013. Conflating is O(capacity) once per <c>capacity</c> frames.
/// </remarks>
public sealed class SendQueue(int capacity)
{
    private readonly Channel<OutboundFrame> _channel = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(capacity)
    {
        SingleReader = false, // the conflation drains from the writer's side
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of silently dropping
    });
    private readonly object _conflating = new();
    private byte[]? _lastConflation;

    public ChannelReader<OutboundFrame> Reader => _channel.Reader;

    /// <summary>Queues a frame without waiting; false when the socket is hopelessly behind (or the queue is completed).</summary>
    /// <remarks>Called for state frames under the topic's lock, so the snapshot taken here includes <paramref name="frame"/>.</remarks>
    public bool TryEnqueue(OutboundFrame frame)
    {
        if (_channel.Writer.TryWrite(frame)) return true;
        if (frame.Source is not { } source || _channel.Reader.Completion.IsCompleted) return false;
        lock (_conflating)
        {
            var queued = new List<OutboundFrame>(capacity);
            while (_channel.Reader.TryRead(out var item)) queued.Add(item);
            var behindAgain = _lastConflation is { } last && queued.Exists(f => ReferenceEquals(f.Bytes, last));
            var snapshot = OutboundFrame.State(source.CurrentSnapshot(), source);
            _lastConflation = snapshot.Bytes;
            foreach (var item in queued)
            {
                if (item.Source is null && !_channel.Writer.TryWrite(item)) return false;
            }
            return _channel.Writer.TryWrite(snapshot) && !behindAgain;
        }
    }

    public void Complete() => _channel.Writer.TryComplete();
}
