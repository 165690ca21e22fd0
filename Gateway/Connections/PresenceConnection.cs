using FreedomCti.Presence.Gateway.Limits;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// The state of one presence socket, shared by its transport (<see cref="SocketPump"/>) and its dispatcher: the id,
/// the credentials, the message-rate budget, the outbox, and the decision to close. The first close wins; after it
/// queued frames are abandoned and the pump sends the error frame and the close frame.
/// </summary>
public sealed class PresenceConnection : IDisposable
{
    private readonly ConnectionServices _services;
    private readonly Outbox _outbox;
    private PendingClose? _close;
    private readonly int _burst;
    private MessageRateLimit _rate;

    /// <param name="extraBurst">Messages the socket may send in a burst on top of <c>Limits:MessageBurst</c> (an organisation socket subscribing every topic at once).</param>
    public PresenceConnection(string connectionId, ConnectionServices services, int extraBurst = 0)
    {
        ConnectionId = connectionId;
        _services = services;
        _outbox = new Outbox(services.Options.SendQueueCapacity);
        _burst = services.Limits.MessageBurst + extraBurst;
        _rate = new MessageRateLimit(services.Limits.MessagesPerSecond, _burst, services.Clock.GetTimestamp());
        Credentials = new ConnectionCredentials(this, services);
    }

    public string ConnectionId { get; }

    /// <summary>The gateway's singletons this socket uses.</summary>
    public ConnectionServices Services => _services;

    /// <summary>Who the socket's token names, until when, and the in-band refresh.</summary>
    public ConnectionCredentials Credentials { get; }

    /// <summary>The close the server decided on, or null while the socket is open.</summary>
    public PendingClose? PendingClose => Volatile.Read(ref _close);

    /// <summary>Frames waiting to be written to the socket (the send-queue depth metric).</summary>
    public int QueuedFrames => _outbox.Count;

    /// <summary>What the pump writes: the replies' lane and a lane per topic.</summary>
    public Outbox Outbox => _outbox;

    /// <summary>Queues a frame on a lane without waiting; a lane that falls behind is conflated, one hopelessly behind closes the socket with 1013.</summary>
    public void Send(OutboxLane lane, OutboundFrame frame)
    {
        if (lane.TryEnqueue(frame) || _close is not null || _outbox.IsCompleted) return;
        _services.Metrics.SlowConsumerClosed();
        Close(PresenceCloseCodes.SlowConsumer, "The connection fell too far behind; reconnect and resubscribe to get a fresh snapshot.");
    }

    /// <summary>Queues a reply (pong, acknowledgement, error frame that leaves the socket open).</summary>
    public void SendControl(byte[] frame) => Send(_outbox.Replies, OutboundFrame.Control(frame));

    /// <summary>Closes with a jittered retryAfterMs when the code is retryable (<see cref="RetryHints"/>), none when it is terminal.</summary>
    public void Close(PresenceError error, string description) => Close(error, description, null);

    /// <param name="retryAfterMs">For retryable closes: how long the client should wait at least before reconnecting
    /// (sent in the error frame); null picks the code's default from <see cref="RetryHints"/>.</param>
    public void Close(PresenceError error, string description, int? retryAfterMs)
    {
        if (_close is not null) return;
        retryAfterMs ??= RetryHints.For(error, _services.Options);
        if (Interlocked.CompareExchange(ref _close, new PendingClose(error, description, retryAfterMs), null) is null)
        {
            GatewayLog.ConnectionClosing(_services.Logger, ConnectionId, error.Code, error.Message, description);
            _outbox.Complete();
        }
    }

    /// <summary>Takes one message from the socket's budget; a socket over its rate is closed with 1008.</summary>
    public bool TryTakeMessage()
    {
        if (_rate.TryTake(_services.Clock.GetTimestamp(), _services.Clock)) return true;
        Close(PresenceCloseCodes.RateLimited, $"More than {_services.Limits.MessagesPerSecond} messages per second (burst {_burst}).");
        return false;
    }

    /// <summary>Stops queuing (the socket is done) and disarms the token's expiry.</summary>
    public void Dispose()
    {
        Credentials.Dispose();
        _outbox.Complete();
    }
}

/// <summary>A close the server decided on: the error frame's code and description, and its retry hint.</summary>
public sealed record PendingClose(PresenceError Error, string Description, int? RetryAfterMs = null);
