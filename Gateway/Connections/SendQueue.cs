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
/// <para>
/// A locked <see cref="Queue{T}"/>, not a bounded <c>Channel</c>: nobody awaits a lane (the outbox's ready channel
/// wakes the pump), and a bounded channel with its reader, writer, completion task and four cached async operations
/// held about 1 KiB per queue, i.e. per socket and per topic of an organisation socket, idle or not (issue 12 §2).
/// Both took a lock per operation.
/// </para>
/// </remarks>
public sealed class SendQueue(int capacity)
{
    // Guards the queue and the fields below. Writers are the topics (under their own locks) and the socket's replies;
    // the reader is the socket's pump.
    private readonly Queue<OutboundFrame> _items = new();
    private bool _completed;
    private byte[]? _lastConflation;

    /// <summary>Frames queued now.</summary>
    public int Count
    {
        get
        {
            lock (_items) return _items.Count;
        }
    }

    /// <summary>Queues a frame without waiting; false when the socket is hopelessly behind (or the queue is completed).</summary>
    /// <remarks>Called for state frames under the topic's lock, so the snapshot taken here includes <paramref name="frame"/>.</remarks>
    public bool TryEnqueue(OutboundFrame frame)
    {
        lock (_items)
        {
            if (_completed) return false;
            if (_items.Count < capacity)
            {
                _items.Enqueue(frame);
                return true;
            }
            if (frame.Source is not { } source) return false;
            var behindAgain = false;
            for (var n = _items.Count; n > 0; n--)
            {
                var item = _items.Dequeue();
                if (_lastConflation is { } last && ReferenceEquals(item.Bytes, last)) behindAgain = true;
                if (item.Source is null) _items.Enqueue(item); // control frames keep their place and order
            }
            var snapshot = OutboundFrame.State(source.CurrentSnapshot(), source);
            _lastConflation = snapshot.Bytes;
            if (_items.Count >= capacity) return false; // nothing but control frames: no room even for the snapshot
            _items.Enqueue(snapshot);
            return !behindAgain;
        }
    }

    /// <summary>The next frame (the pump, and tests); frames queued before <see cref="Complete"/> can still be taken.</summary>
    public bool TryRead(out OutboundFrame frame)
    {
        lock (_items) return _items.TryDequeue(out frame);
    }

    public void Complete()
    {
        lock (_items) _completed = true;
    }
}
