using System.Net.WebSockets;
using System.Text;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>
/// A WebSocket whose peer has stopped reading: the first send blocks until <see cref="Release"/>, every send is
/// recorded. Lets a test fill a connection's send queue deterministically, without kernel buffers in the way.
/// </summary>
public sealed class GatedWebSocket : WebSocket
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _sent = [];
    private WebSocketCloseStatus? _closeStatus;
    private WebSocketState _state = WebSocketState.Open;

    public IReadOnlyList<string> Sent { get { lock (_sent) return [.. _sent]; } }
    public override WebSocketCloseStatus? CloseStatus => _closeStatus;
    public override string? CloseStatusDescription => null;
    public override string? SubProtocol => null;
    public override WebSocketState State => _state;

    /// <summary>The peer starts reading again: the blocked send and all later ones complete.</summary>
    public void Release() => _released.TrySetResult();

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        lock (_sent) _sent.Add(Encoding.UTF8.GetString(buffer));
        await _released.Task.WaitAsync(cancellationToken);
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        await _closed.Task.WaitAsync(cancellationToken);
        return new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, _closeStatus, null);
    }

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _closeStatus = closeStatus;
        _state = WebSocketState.CloseSent;
        _closed.TrySetResult(); // the peer answers at once
        return Task.CompletedTask;
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Abort()
    {
        _state = WebSocketState.Aborted;
        _closed.TrySetResult();
        _released.TrySetResult();
    }

    public override void Dispose() => Abort();
}
