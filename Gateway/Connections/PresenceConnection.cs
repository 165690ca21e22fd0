using System.Buffers;
using System.Net.WebSockets;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Limits;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Gateway.Topics;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// Owns one WebSocket: a receive loop that parses and dispatches client frames, and a send loop that is the
/// socket's only writer, fed by a bounded queue. Whatever ends first ends both; the topic subscription is
/// always released in <c>finally</c>.
/// </summary>
public sealed partial class PresenceConnection : ITopicSubscriber
{
    private readonly WebSocket _socket;
    private readonly TopicKey _path;
    private readonly TopicHub _hub;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly GatewayMetrics _metrics;
    private readonly SendQueue _outbox;
    private readonly ConnectionServices _services;
    private PendingClose? _close;
    private bool _subscribed;
    private PresenceCaller? _caller;
    private ITimer? _expiry;
    private MessageRateLimit _rate;

    private sealed record PendingClose(PresenceError Error, string Description, int? RetryAfterMs = null);

    public PresenceConnection(WebSocket socket, TopicKey path, string connectionId, ConnectionServices services)
    {
        _socket = socket;
        _path = path;
        ConnectionId = connectionId;
        _hub = services.Hub;
        _options = services.Options;
        _clock = services.Clock;
        _logger = services.Logger;
        _metrics = services.Metrics;
        _services = services;
        _rate = new MessageRateLimit(services.Limits.MessagesPerSecond, services.Limits.MessageBurst, _clock.GetTimestamp());
        _outbox = new SendQueue(_options.SendQueueCapacity);
    }

    public string ConnectionId { get; }

    public TopicKey Path => _path;

    /// <summary>Frames waiting to be written to the socket (the send-queue depth metric).</summary>
    public int QueuedFrames => _outbox.Reader.CanCount ? _outbox.Reader.Count : 0;

    /// <summary>
    /// Binds the socket to the caller its token names, and arms the close at the token's expiry
    /// (4003 unless a refresh_token arrives first).
    /// </summary>
    public void Authenticate(PresenceCaller caller, DateTimeOffset expiresAt)
    {
        _caller = caller;
        _expiry = _clock.CreateTimer(static state => ((PresenceConnection)state!).Close(PresenceCloseCodes.Unauthorized,
            "The access token expired; send refresh_token before expiry, or reconnect with a fresh token."),
            this, DueIn(expiresAt), Timeout.InfiniteTimeSpan);
    }

    private TimeSpan DueIn(DateTimeOffset expiresAt)
    {
        var due = expiresAt - _clock.GetUtcNow();
        // Timers take at most ~49 days; a token that lives longer is re-armed by its refresh anyway.
        return due <= TimeSpan.Zero ? TimeSpan.Zero : due > TimeSpan.FromDays(30) ? TimeSpan.FromDays(30) : due;
    }

    public void Send(OutboundFrame frame)
    {
        if (_outbox.TryEnqueue(frame)) return;
        if (_close is null && !_outbox.Reader.Completion.IsCompleted)
        {
            _metrics.SlowConsumerClosed();
            Close(PresenceCloseCodes.SlowConsumer, "The connection fell too far behind; reconnect and resubscribe to get a fresh snapshot.");
        }
    }

    /// <summary>Closes with a jittered retryAfterMs when the code is retryable (<see cref="RetryHints"/>), none when it is terminal.</summary>
    public void Close(PresenceError error, string description) => Close(error, description, null);

    /// <param name="retryAfterMs">For retryable closes: how long the client should wait at least before reconnecting
    /// (sent in the error frame); null picks the code's default from <see cref="RetryHints"/>.</param>
    public void Close(PresenceError error, string description, int? retryAfterMs)
    {
        if (_close is not null) return;
        retryAfterMs ??= RetryHints.For(error, _options);
        // First close wins; queued frames are abandoned, the error frame and close frame go out next.
        if (Interlocked.CompareExchange(ref _close, new PendingClose(error, description, retryAfterMs), null) is null)
        {
            GatewayLog.ConnectionClosing(_logger, ConnectionId, error.Code, error.Message, description);
            _outbox.Complete();
        }
    }

    /// <summary>Runs the connection until either side closes it or the gateway stops.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        // Every log line of this socket (the request's scope too) carries its ids.
        using var scope = _logger.BeginScope(LogScopes.ForTopic(_path, ConnectionId));
        _metrics.SocketOpened();
        GatewayLog.ConnectionOpened(_logger, ConnectionId, _path.ToString());
        using var receiveCancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            var receiving = ReceiveLoopAsync(receiveCancel.Token);
            var sending = SendLoopAsync();
            if (await Task.WhenAny(receiving, sending) == receiving)
            {
                // The client closed (or the transport failed): stop sending, answer its close.
                _outbox.Complete();
                await sending.WaitAsync(_options.CloseTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await AnswerClientCloseAsync();
            }
            else
            {
                // We sent a close frame: give the client a moment to answer it, then stop reading.
                await receiving.WaitAsync(_options.CloseTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                receiveCancel.Cancel();
            }
        }
        finally
        {
            _expiry?.Dispose();
            if (_subscribed) _hub.Unsubscribe(_path, this);
            await EndSessionAsync();
            _outbox.Complete();
            _socket.Abort(); // no-op after a clean close; frees the transport after a failed one
            _socket.Dispose();
            _metrics.SocketClosed();
            GatewayLog.ConnectionClosed(_logger, ConnectionId);
        }
    }

    /// <summary>
    /// Reads client frames until the client's close frame. After the server has decided to close, frames are
    /// read and discarded: the loop still has to see the client's close reply, because aborting a socket whose
    /// peer has unread data resets the connection and the peer may lose our error frame.
    /// </summary>
    private async Task ReceiveLoopAsync(CancellationToken cancellation)
    {
        byte[]? buffer = null;
        try
        {
            var filled = 0;
            while (true)
            {
                // An idle socket holds no receive buffer: wait for data with a zero-byte read, then rent (memory per socket).
                if (filled == 0 && (await _socket.ReceiveAsync(Memory<byte>.Empty, cancellation)).MessageType == WebSocketMessageType.Close) return;
                buffer ??= ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes);
                var result = await _socket.ReceiveAsync(buffer.AsMemory(filled, _options.MaxMessageBytes - filled), cancellation);
                if (result.MessageType == WebSocketMessageType.Close) return;
                if (_close is not null)
                {
                    filled = 0;
                    continue;
                }
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Close(PresenceCloseCodes.UnsupportedData, "Binary frames are not supported; send JSON text frames.");
                    continue;
                }
                filled += result.Count;
                if (!result.EndOfMessage)
                {
                    if (filled < _options.MaxMessageBytes) continue;
                    Close(PresenceCloseCodes.MessageTooBig, $"Client messages are limited to {_options.MaxMessageBytes} bytes.");
                    filled = 0;
                    continue;
                }
                // Parsed into strings before the buffer goes back to the pool.
                var message = ClientMessageParser.Parse(buffer.AsSpan(0, filled));
                filled = 0;
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
                if (!_rate.TryTake(_clock.GetTimestamp(), _clock))
                {
                    Close(PresenceCloseCodes.RateLimited, $"More than {_services.Limits.MessagesPerSecond} messages per second (burst {_services.Limits.MessageBurst}).");
                    continue;
                }
                await HandleAsync(message);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            GatewayLog.ConnectionFaulted(_logger, ConnectionId, ex);
        }
        catch (Exception ex)
        {
            GatewayLog.ConnectionError(_logger, ConnectionId, ex);
            Close(PresenceCloseCodes.ServerError, "An internal error occurred.");
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task HandleAsync(ClientMessage message) => message.Kind switch
    {
        ClientMessageKind.Ping => SendNow(PresenceMessageWriter.Pong(_clock.GetUtcNow())),
        ClientMessageKind.Subscribe => SubscribeAsync(message),
        ClientMessageKind.Unsubscribe => UnsubscribeAsync(message),
        ClientMessageKind.RefreshToken => RefreshTokenAsync(message.Token!),
        ClientMessageKind.SessionOpen or ClientMessageKind.SessionUpdate or ClientMessageKind.SessionClose => HandleSessionAsync(message),
        _ => SendNow(PresenceMessageWriter.Error(PresenceCloseCodes.InvalidMessage, message.Problem ?? "Invalid message.")),
    };

    private Task SendNow(byte[] frame)
    {
        Send(OutboundFrame.Control(frame));
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync(ClientMessage message)
    {
        if (!TargetsPath(message, out var mismatch))
        {
            Close(mismatch.Error, mismatch.Description);
            return;
        }
        // Agents may watch only the groups they belong to; the topic checks membership against the state it holds.
        var requiredMember = _path.Kind == TopicKind.Group && _caller is { SeesAllGroups: false } ? _caller.UserId : null;
        var outcome = await _hub.SubscribeAsync(_path, this, requiredMember, message.LastSeq);
        switch (outcome)
        {
            case SubscribeOutcome.Subscribed:
                _subscribed = true;
                break;
            case SubscribeOutcome.OrganisationNotFound:
                Close(PresenceCloseCodes.InvalidOrgId, $"Organisation '{_path.OrgId}' was not found.");
                break;
            case SubscribeOutcome.TargetNotFound when _path.Kind == TopicKind.User:
                Close(PresenceCloseCodes.InvalidUserId, $"User '{_path.Id}' was not found in organisation '{_path.OrgId}'.");
                break;
            case SubscribeOutcome.AccessDenied:
                Close(PresenceCloseCodes.GroupAccessDenied, $"Only members of '{_path.Id}', supervisors and admins may watch this group.");
                break;
            case SubscribeOutcome.TargetNotFound:
                Close(PresenceCloseCodes.InvalidGroupId, $"User group '{_path.Id}' was not found in organisation '{_path.OrgId}'.");
                break;
            default:
                Close(PresenceCloseCodes.SubscriptionFailed, "The subscription could not be established; reconnect with backoff.");
                break;
        }
    }

    private Task UnsubscribeAsync(ClientMessage message)
    {
        if (!TargetsPath(message, out var mismatch))
        {
            Close(mismatch.Error, mismatch.Description);
            return Task.CompletedTask;
        }
        if (_subscribed)
        {
            _hub.Unsubscribe(_path, this);
            _subscribed = false;
        }
        var isUser = _path.Kind == TopicKind.User;
        return SendNow(PresenceMessageWriter.Unsubscribed(_path.OrgId, isUser ? _path.Id : null, isUser ? null : _path.Id, _clock.GetUtcNow()));
    }

    /// <summary>Swaps in a fresh token for the same user and organisation, moving the socket's expiry.</summary>
    private async Task RefreshTokenAsync(string token)
    {
        var validated = await _services.Tokens.ValidateAsync(token);
        if (validated is not { } fresh)
        {
            Close(PresenceCloseCodes.Unauthorized, "The refreshed token is not valid.");
            return;
        }
        if (_caller is null || fresh.Caller.UserId != _caller.UserId || !fresh.Caller.BelongsTo(_caller.OrgId))
        {
            Close(PresenceCloseCodes.Unauthorized, "A refreshed token must be for the same user and organisation.");
            return;
        }
        _caller = fresh.Caller;
        _expiry?.Change(DueIn(fresh.ExpiresAt), Timeout.InfiniteTimeSpan);
        Send(OutboundFrame.Control(PresenceMessageWriter.TokenRefreshed(fresh.ExpiresAt, _clock.GetUtcNow())));
    }

    /// <summary>A (un)subscribe must name exactly the org and user/group of the socket's path.</summary>
    private bool TargetsPath(ClientMessage message, out PendingClose mismatch)
    {
        if (message.OrgId != _path.OrgId)
        {
            mismatch = new(PresenceCloseCodes.InvalidOrgId, $"orgId must be '{_path.OrgId}', the organisation in the connection path.");
            return false;
        }
        if (_path.Kind == TopicKind.User && message.UserId != _path.Id)
        {
            mismatch = new(PresenceCloseCodes.InvalidUserId, $"userId must be '{_path.Id}', the user in the connection path.");
            return false;
        }
        if (_path.Kind == TopicKind.Group && message.GroupId != _path.Id)
        {
            mismatch = new(PresenceCloseCodes.InvalidGroupId, $"groupId must be '{_path.Id}', the user group in the connection path.");
            return false;
        }
        mismatch = null!;
        return true;
    }

    private async Task SendLoopAsync()
    {
        var reader = _outbox.Reader;
        // One watchdog per connection, re-armed per frame: a CancellationTokenSource per frame per socket was a
        // measurable share of the CPU per delivery. When it fires, the stuck socket is aborted and SendAsync throws.
        using var watchdog = new CancellationTokenSource();
        using var abortWhenStuck = watchdog.Token.UnsafeRegister(static s => ((WebSocket)s!).Abort(), _socket);
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (_close is null && reader.TryRead(out var frame))
                {
                    watchdog.CancelAfter(_options.SendTimeout);
                    await _socket.SendAsync(frame.Bytes.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }
                watchdog.CancelAfter(Timeout.InfiniteTimeSpan);
                if (_close is not null) break;
            }
            if (_close is { } close) await SendCloseAsync(close);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer that stopped reading (send timeout) or vanished: the transport is gone, nothing more to send.
            GatewayLog.ConnectionFaulted(_logger, ConnectionId, ex);
        }
    }

    private async Task SendCloseAsync(PendingClose close)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(_options.CloseTimeout);
        await _socket.SendAsync(PresenceMessageWriter.Error(close.Error, close.Description, close.RetryAfterMs), WebSocketMessageType.Text, true, timeout.Token);
        await _socket.CloseOutputAsync(close.Error.Status, close.Error.Message, timeout.Token);
    }

    private async Task AnswerClientCloseAsync()
    {
        if (_socket.State != WebSocketState.CloseReceived) return;
        try
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout);
            await _socket.CloseOutputAsync(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            GatewayLog.ConnectionFaulted(_logger, ConnectionId, ex);
        }
    }
}
