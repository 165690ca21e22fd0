using System.Buffers;
using System.Net.WebSockets;

namespace FreedomCti.Bench.Load;

/// <summary>Where and how one subscriber connects: its URL and, for the gateway, the subscribe message the spec sends.</summary>
public sealed record SubscriberPlan(Func<int, Uri> Url, Func<int, byte[]?> SubscribeMessage, bool WaitForSnapshot)
{
    /// <summary>When set, socket i sends these messages in place of the one subscribe message (sessions, many topics).</summary>
    public Func<int, byte[][]>? Messages { get; init; }

    /// <summary>When set, socket i is ready after this many snapshots and session_opened replies (in place of its first frame).</summary>
    public Func<int, int>? ReadyFrames { get; init; }
}

/// <summary>
/// A set of WebSocket subscribers in one process: connects them with bounded concurrency, subscribes as the spec
/// does, and logs every frame. Stalled subscribers subscribe and then never read again (slow-consumer scenario).
/// </summary>
public sealed class SubscriberSet(ArrivalLog log, LoopbackSockets sockets, int firstSocketId) : IAsyncDisposable
{
    private readonly List<ClientWebSocket> _open = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();
    private int _ready;
    private int _closed;
    private static int _errorsShown;

    public int Ready => Volatile.Read(ref _ready);
    public int Closed => Volatile.Read(ref _closed);
    public int Open { get { lock (_open) return _open.Count; } }

    /// <summary>Connects <paramref name="count"/> subscribers; returns how many connected and received their first frame in time.</summary>
    public async Task<(int Connected, int Failed)> ConnectAsync(SubscriberPlan plan, int count, bool stall, TimeSpan bound, int concurrency = 64)
    {
        using var deadline = new CancellationTokenSource(bound);
        var failed = 0;
        var next = -1;
        async Task Worker()
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count || deadline.IsCancellationRequested) return;
                try
                {
                    await ConnectOneAsync(plan, i, stall, deadline.Token);
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        // Wait (bounded) for every socket's first frame, so that measurement starts with all subscribers in place.
        while (Ready < count - failed && !deadline.IsCancellationRequested)
        {
            await Task.Delay(50);
        }
        return (Ready, count - Ready);
    }

    private async Task ConnectOneAsync(SubscriberPlan plan, int index, bool stall, CancellationToken cancellation)
    {
        var socket = await sockets.OpenAsync(plan.Url(index), cancellation);
        lock (_open) _open.Add(socket);
        if (plan.Messages is { } messages)
        {
            foreach (var message in messages(index)) await socket.SendAsync(message, WebSocketMessageType.Text, true, cancellation);
        }
        else if (plan.SubscribeMessage(index) is { } subscribe)
        {
            await socket.SendAsync(subscribe, WebSocketMessageType.Text, true, cancellation);
        }
        var id = firstSocketId + index;
        if (stall)
        {
            // Read the first frame (the snapshot) so the subscription is known to be in place, then stop reading.
            var buffer = new byte[64 * 1024];
            var first = await socket.ReceiveAsync(buffer, cancellation);
            log.Add(id, buffer.AsSpan(0, first.Count));
            Interlocked.Increment(ref _ready);
            return;
        }
        var readyAfter = plan.ReadyFrames?.Invoke(index) ?? (plan.WaitForSnapshot ? 1 : 0);
        if (readyAfter == 0) Interlocked.Increment(ref _ready);
        lock (_readers) _readers.Add(Task.Run(() => ReadAsync(socket, id, readyAfter, countAny: plan.ReadyFrames is null)));
    }

    private async Task ReadAsync(ClientWebSocket socket, int id, int readyAfter, bool countAny)
    {
        // Only a frame's head is parsed; the rest of a large snapshot is read into the same buffer and discarded.
        var buffer = ArrayPool<byte>.Shared.Rent(2048);
        var errors = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                var kind = log.Add(id, buffer.AsSpan(0, result.Count));
                if (kind == FrameKind.Error && errors++ < 3 && Interlocked.Increment(ref _errorsShown) <= 5)
                {
                    // A refused subscribe or session never makes the socket ready: say why, a few times per process.
                    Console.Error.WriteLine($"subscriber {id}: {System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count)}");
                }
                while (!result.EndOfMessage)
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                }
                if (readyAfter > 0 && (countAny || kind is FrameKind.Snapshot or FrameKind.SessionOpened) && --readyAfter == 0)
                {
                    Interlocked.Increment(ref _ready);
                }
            }
        }
        catch (Exception)
        {
            // Closed by the server or stopped by us: counted below, the analysis finds any missing frames.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!_stop.IsCancellationRequested) Interlocked.Increment(ref _closed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        ClientWebSocket[] open;
        lock (_open) open = [.. _open];
        foreach (var socket in open) socket.Abort();
        Task[] readers;
        lock (_readers) readers = [.. _readers];
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var socket in open) socket.Dispose();
        _stop.Dispose();
    }
}
