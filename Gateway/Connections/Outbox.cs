using System.Threading.Channels;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// A socket's outbox: a lane for replies, and one lane per topic the socket watches, each a bounded
/// <see cref="SendQueue"/> that conflates on its own. The pump takes frames lane by lane, at most
/// <see cref="TurnFrames"/> at a time, in the order the lanes became ready: a busy topic can neither starve the
/// others nor make them conflate.
/// </summary>
/// <remarks>
/// Within a lane frames keep their order; across lanes there is no order beyond "ready first, sent first" while the
/// socket keeps up. A topic's replies (resumed, unsubscribed, an error naming it) go on its own lane, so they stay in
/// order with its frames. The pump is the only reader.
/// </remarks>
public sealed class Outbox
{
    /// <summary>Frames one lane may send before the next ready lane has its turn.</summary>
    public const int TurnFrames = 16;

    private readonly Channel<OutboxLane> _ready = Channel.CreateUnbounded<OutboxLane>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
    });
    private readonly HashSet<OutboxLane> _lanes = [];
    private OutboxLane? _turn;
    private int _turnLeft;
    private volatile bool _completed;

    public Outbox(int replyCapacity) => Replies = OpenLane(replyCapacity);

    /// <summary>Replies to the client's own messages (pong, token_refreshed, session replies, errors that leave the socket open).</summary>
    public OutboxLane Replies { get; }

    /// <summary>True once the socket is done: nothing more is queued, and a lane that refuses a frame is not behind.</summary>
    public bool IsCompleted => _completed;

    /// <summary>Frames queued in every lane (the send-queue depth metric).</summary>
    public int Count
    {
        get
        {
            lock (_lanes) return _lanes.Sum(l => l.Count);
        }
    }

    /// <summary>A new lane of <paramref name="capacity"/> frames; <see cref="Remove"/> it when it is drained and unused.</summary>
    public OutboxLane OpenLane(int capacity)
    {
        var lane = new OutboxLane(this, capacity);
        lock (_lanes) _lanes.Add(lane);
        if (_completed) lane.Complete();
        return lane;
    }

    public void Remove(OutboxLane lane)
    {
        lock (_lanes) _lanes.Remove(lane);
    }

    /// <summary>Waits until a lane has frames; false once the outbox is completed and nothing is ready.</summary>
    public ValueTask<bool> WaitToReadAsync() => _turn is not null ? ValueTask.FromResult(true) : _ready.Reader.WaitToReadAsync();

    /// <summary>The next frame, taking lanes in turn; false when no lane has one now.</summary>
    public bool TryRead(out OutboundFrame frame)
    {
        while (true)
        {
            if (_turn is null)
            {
                if (!_ready.Reader.TryRead(out var lane))
                {
                    frame = default;
                    return false;
                }
                lane.Unschedule(); // before draining: a frame queued from now on schedules the lane again
                _turn = lane;
                _turnLeft = TurnFrames;
            }
            if (_turn.TryTake(out frame))
            {
                if (--_turnLeft == 0)
                {
                    var done = _turn;
                    _turn = null;
                    done.ScheduleIfPending(); // to the back of the line
                }
                return true;
            }
            _turn = null;
        }
    }

    /// <summary>Stops the outbox: lanes refuse frames, and the pump ends once it has taken what is ready.</summary>
    public void Complete()
    {
        _completed = true;
        _ready.Writer.TryComplete();
        lock (_lanes)
        {
            foreach (var lane in _lanes) lane.Complete();
        }
    }

    internal void Ready(OutboxLane lane) => _ready.Writer.TryWrite(lane);
}

/// <summary>One lane of an <see cref="Outbox"/>: a conflating queue that tells the outbox when it has frames.</summary>
public sealed class OutboxLane
{
    private readonly Outbox _outbox;
    private readonly SendQueue _queue;
    private int _scheduled;

    internal OutboxLane(Outbox outbox, int capacity)
    {
        _outbox = outbox;
        _queue = new SendQueue(capacity);
    }

    public int Count => _queue.Count;

    /// <summary>Queues a frame without waiting; false when the lane is hopelessly behind or the outbox is completed (see <see cref="SendQueue"/>).</summary>
    public bool TryEnqueue(OutboundFrame frame)
    {
        if (!_queue.TryEnqueue(frame)) return false;
        if (Interlocked.Exchange(ref _scheduled, 1) == 0) _outbox.Ready(this);
        return true;
    }

    internal bool TryTake(out OutboundFrame frame) => _queue.TryRead(out frame);

    internal void Unschedule() => Volatile.Write(ref _scheduled, 0);

    internal void ScheduleIfPending()
    {
        if (Count > 0 && Interlocked.Exchange(ref _scheduled, 1) == 0) _outbox.Ready(this);
    }

    internal void Complete() => _queue.Complete();
}
