using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>A real <see cref="ClientWebSocket"/> with a background reader, so tests can await the next message or the close.</summary>
public sealed class PresenceSocket : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonObject> _inbox = Channel.CreateUnbounded<JsonObject>();
    private readonly TaskCompletionSource<(int? Code, string? Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;

    private PresenceSocket(ClientWebSocket socket, Uri address)
    {
        _socket = socket;
        Address = address;
        _reader = ReadAsync();
    }

    /// <summary>The URL the socket was opened on.</summary>
    public Uri Address { get; }

    public WebSocketState State => _socket.State;

    /// <param name="source">A loopback source address to connect from (127.0.0.x), e.g. to stay out of another test's per-address limits.</param>
    public static async Task<PresenceSocket> ConnectAsync(Uri uri, IPAddress? source = null)
    {
        var socket = new ClientWebSocket();
        if (source is null)
        {
            await socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(DefaultWait);
        }
        else
        {
            using var handler = BoundHandler(source);
            await socket.ConnectAsync(uri, new HttpMessageInvoker(handler), CancellationToken.None).WaitAsync(DefaultWait);
        }
        return new PresenceSocket(socket, uri);
    }

    /// <summary>Attempts a handshake and drops the socket; returns the HTTP status (101 when it was upgraded).</summary>
    public static async Task<HttpStatusCode> HandshakeStatusAsync(Uri uri, IPAddress? source = null, params (string Name, string Value)[] headers)
    {
        using var handler = BoundHandler(source ?? IPAddress.Loopback);
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in headers) client.Options.SetRequestHeader(name, value);
        try
        {
            await client.ConnectAsync(uri, new HttpMessageInvoker(handler), CancellationToken.None).WaitAsync(DefaultWait);
            client.Abort();
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return client.HttpStatusCode;
        }
    }

    /// <summary>An HTTP handler whose connections leave from <paramref name="source"/>.</summary>
    public static SocketsHttpHandler BoundHandler(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellation) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendRawAsync(byte[] bytes, WebSocketMessageType type) =>
        _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None).WaitAsync(DefaultWait);

    /// <summary>The next server message.</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        try
        {
            return await _inbox.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No message arrived in time.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The socket closed ({_closed.Task.Result.Code} {_closed.Task.Result.Reason}) before a message arrived.");
        }
    }

    /// <summary>Skips messages until one matches.</summary>
    public async Task<JsonObject> ReceiveUntilAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("No matching message arrived in time.");
            var message = await ReceiveAsync(left);
            if (match(message)) return message;
        }
    }

    /// <summary>
    /// Receives until each condition has matched one message, in whatever order they arrive (frames the protocol does not
    /// order, such as a session reply and the presence update it causes); returns the matches in the conditions' order.
    /// </summary>
    public async Task<JsonObject[]> ReceiveEachAsync(TimeSpan timeout, params Func<JsonObject, bool>[] matches)
    {
        var found = new JsonObject?[matches.Length];
        var deadline = DateTime.UtcNow + timeout;
        while (found.Any(f => f is null))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"Only {found.Count(f => f is not null)} of {matches.Length} expected messages arrived in time.");
            var message = await ReceiveAsync(left);
            var i = Array.FindIndex(matches, (match) => found[Array.IndexOf(matches, match)] is null && match(message));
            if (i >= 0) found[i] = message;
        }
        return found!;
    }

    /// <summary>True when no message arrives within <paramref name="window"/> (used to prove something is NOT sent).</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            await _inbox.Reader.WaitToReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>The close code and reason the server sent.</summary>
    public Task<(int? Code, string? Reason)> ClosedAsync(TimeSpan? timeout = null) => _closed.Task.WaitAsync(timeout ?? DefaultWait);

    public Task SubscribeUserAsync(string orgId, string userId) => SendAsync(new { action = "subscribe", orgId, userId });

    public Task SubscribeGroupAsync(string orgId, string groupId) => SendAsync(new { action = "subscribe", orgId, groupId });

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(((int?)result.CloseStatus, result.CloseStatusDescription));
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                await _inbox.Writer.WriteAsync(node);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _closed.TrySetResult((null, ex.Message));
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(DefaultWait);
            try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token); }
            catch (WebSocketException) { }
        }
        await _reader.WaitAsync(DefaultWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _socket.Dispose();
    }
}

/// <summary>Assertions about how the server ends a socket.</summary>
public static class PresenceSocketAssertions
{
    /// <summary>The next message is the error frame for <paramref name="code"/>, and the socket then closes with the same code and reason.</summary>
    public static async Task<JsonObject> ExpectErrorAndCloseAsync(this PresenceSocket socket, int code, string message)
    {
        var error = await socket.ReceiveUntilAsync(m => (string?)m["type"] == "error");
        Assert.Equal(code, (int)error["code"]!);
        Assert.Equal(message, (string?)error["message"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["description"]));
        await socket.ExpectCloseAsync(code, message);
        return error;
    }

    public static async Task ExpectCloseAsync(this PresenceSocket socket, int code, string reason)
    {
        var (closeCode, closeReason) = await socket.ClosedAsync();
        Assert.Equal(code, closeCode);
        Assert.Equal(reason, closeReason);
    }
}
