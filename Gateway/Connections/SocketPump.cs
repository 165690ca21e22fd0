using System.Buffers;
using System.Net.WebSockets;
using FreedomCti.Presence.Gateway.Protocol;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>
/// The transport of one presence socket: a receive loop that assembles whole text messages and hands them on, and a
/// send loop that is the socket's only writer, fed by the connection's outbox. Whatever ends first ends both. It
/// knows the transport's rules (JSON text only, a size limit, the close handshake), nothing of topics or sessions.
/// </summary>
public sealed class SocketPump(WebSocket socket, PresenceConnection connection, ConnectionServices services)
{
    private readonly GatewayOptions _options = services.Options;
    private readonly ILogger _logger = services.Logger;

    /// <summary>Runs the socket until either side closes it or <paramref name="stopping"/> fires.</summary>
    /// <param name="onMessage">Gets each complete text message; the bytes are pooled and valid until the returned task completes.</param>
    public async Task RunAsync(Func<ReadOnlyMemory<byte>, Task> onMessage, CancellationToken stopping)
    {
        using var receiveCancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var receiving = ReceiveLoopAsync(onMessage, receiveCancel.Token);
        var sending = SendLoopAsync();
        if (await Task.WhenAny(receiving, sending) == receiving)
        {
            // The client closed (or the transport failed): stop sending, answer its close.
            connection.Outbox.Complete();
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

    /// <summary>
    /// Reads client frames until the client's close frame. After the server has decided to close, frames are
    /// read and discarded: the loop still has to see the client's close reply, because aborting a socket whose
    /// peer has unread data resets the connection and the peer may lose our error frame.
    /// </summary>
    private async Task ReceiveLoopAsync(Func<ReadOnlyMemory<byte>, Task> onMessage, CancellationToken cancellation)
    {
        var max = _options.MaxMessageBytes;
        byte[]? buffer = null;
        try
        {
            var filled = 0;
            while (true)
            {
                // An idle socket holds no receive buffer: wait for data with a zero-byte read, then rent (memory per socket).
                if (filled == 0 && (await socket.ReceiveAsync(Memory<byte>.Empty, cancellation)).MessageType == WebSocketMessageType.Close) return;
                buffer ??= ArrayPool<byte>.Shared.Rent(max);
                var result = await socket.ReceiveAsync(buffer.AsMemory(filled, max - filled), cancellation);
                if (result.MessageType == WebSocketMessageType.Close) return;
                if (connection.PendingClose is not null)
                {
                    filled = 0;
                    continue;
                }
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    connection.Close(PresenceCloseCodes.UnsupportedData, "Binary frames are not supported; send JSON text frames.");
                    continue;
                }
                filled += result.Count;
                if (!result.EndOfMessage)
                {
                    if (filled < max) continue;
                    connection.Close(PresenceCloseCodes.MessageTooBig, $"Client messages are limited to {max} bytes.");
                    filled = 0;
                    continue;
                }
                var length = filled;
                filled = 0;
                await onMessage(buffer.AsMemory(0, length));
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            GatewayLog.ConnectionFaulted(_logger, connection.ConnectionId, ex);
        }
        catch (Exception ex)
        {
            GatewayLog.ConnectionError(_logger, connection.ConnectionId, ex);
            connection.Close(PresenceCloseCodes.ServerError, "An internal error occurred.");
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendLoopAsync()
    {
        var outbox = connection.Outbox;
        // One watchdog per connection, re-armed per frame: a CancellationTokenSource per frame per socket was a
        // measurable share of the CPU per delivery. When it fires, the stuck socket is aborted and SendAsync throws.
        using var watchdog = new CancellationTokenSource();
        using var abortWhenStuck = watchdog.Token.UnsafeRegister(static s => ((WebSocket)s!).Abort(), socket);
        try
        {
            while (await outbox.WaitToReadAsync())
            {
                while (connection.PendingClose is null && outbox.TryRead(out var frame))
                {
                    watchdog.CancelAfter(_options.SendTimeout);
                    await socket.SendAsync(frame.Bytes.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }
                watchdog.CancelAfter(Timeout.InfiniteTimeSpan);
                if (connection.PendingClose is not null) break;
            }
            if (connection.PendingClose is { } close) await SendCloseAsync(close);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer that stopped reading (send timeout) or vanished: the transport is gone, nothing more to send.
            GatewayLog.ConnectionFaulted(_logger, connection.ConnectionId, ex);
        }
    }

    private async Task SendCloseAsync(PendingClose close)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(_options.CloseTimeout);
        await socket.SendAsync(PresenceMessageWriter.Error(close.Error, close.Description, close.RetryAfterMs), WebSocketMessageType.Text, true, timeout.Token);
        await socket.CloseOutputAsync(close.Error.Status, close.Error.Message, timeout.Token);
    }

    private async Task AnswerClientCloseAsync()
    {
        if (socket.State != WebSocketState.CloseReceived) return;
        try
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout);
            await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            GatewayLog.ConnectionFaulted(_logger, connection.ConnectionId, ex);
        }
    }
}
