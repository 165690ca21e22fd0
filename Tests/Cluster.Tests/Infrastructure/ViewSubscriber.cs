using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// A client that behaves like an agent desktop: one real <see cref="ClientWebSocket"/> on a user or group topic,
/// keeping its view from snapshots and live updates, and reconnecting to the next gateway when a socket ends
/// (after the server's reconnectAfterMs hint when there is one). It records every close and how long each reconnect took.
/// </summary>
public sealed class ViewSubscriber : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly GridApi _api;
    private readonly bool _isUser;
    private readonly string _id;
    private readonly DeliveryLog? _deliveries;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, string> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _liveMessages = new(StringComparer.Ordinal);
    // Every state frame: when it arrived and when the change it shows was made (the envelope's timestamp).
    private readonly List<(DateTimeOffset At, DateTimeOffset ChangedAt)> _arrivals = [];
    private Task? _loop;
    private TopicView? _view;
    private int _gateway;
    private long? _disconnectedAt;

    public ViewSubscriber(GridApi api, bool isUser, string id, int gateway, DeliveryLog? deliveries = null)
    {
        _api = api;
        _isUser = isUser;
        _id = id;
        _gateway = gateway;
        _deliveries = deliveries;
    }

    public string Topic => _isUser ? $"user {_id}" : $"group {_id}";
    public string Id => _id;
    public bool IsUser => _isUser;
    public int Gateway { get { lock (_gate) return _gateway; } }
    public TopicView? View { get { lock (_gate) return _view; } }
    public bool HasSnapshot => View is not null;
    public int Snapshots { get; private set; }
    public int LiveUpdates { get; private set; }
    public List<int?> CloseCodes { get; } = [];
    public List<JsonObject> Errors { get; } = [];
    /// <summary>From a socket ending to the next snapshot on a new socket.</summary>
    public List<TimeSpan> Reconnects { get; } = [];

    /// <summary>Status messages this subscriber saw in live frames (user topics), to count events that were not delivered live.</summary>
    public bool SawLive(string statusMessage) { lock (_gate) return _liveMessages.Contains(statusMessage); }

    /// <summary>When the first frame showing a change made at or after <paramref name="moment"/> arrived (live or snapshot); null if none yet.</summary>
    public DateTimeOffset? FirstChangeAfter(DateTimeOffset moment)
    {
        lock (_gate)
        {
            foreach (var (at, changedAt) in _arrivals)
            {
                if (at >= moment && changedAt >= moment) return at;
            }
            return null;
        }
    }

    /// <summary>The longest time between <paramref name="from"/> and <paramref name="to"/> in which no state frame arrived.</summary>
    public TimeSpan LongestSilence(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            var longest = TimeSpan.Zero;
            var last = from;
            foreach (var (at, _) in _arrivals)
            {
                if (at < from || at > to) continue;
                if (at - last > longest) longest = at - last;
                last = at;
            }
            return to - last > longest ? to - last : longest;
        }
    }

    public void Start() => _loop = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            int? reconnectAfter = null;
            try
            {
                reconnectAfter = await RunSocketAsync();
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or JsonException)
            {
                lock (_gate) CloseCodes.Add(null);
            }
            if (_stop.IsCancellationRequested) return;
            lock (_gate)
            {
                _disconnectedAt ??= Stopwatch.GetTimestamp();
                _gateway = NextRunningGateway();
            }
            await Task.Delay(reconnectAfter ?? 200, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private int NextRunningGateway()
    {
        for (var i = 1; i <= _api.Gateways.Count; i++)
        {
            var candidate = (_gateway + i) % _api.Gateways.Count;
            if (_api.Gateways[candidate].IsRunning) return candidate;
        }
        return _gateway;
    }

    /// <summary>One socket's life; returns the server's reconnect hint, if it sent one.</summary>
    private async Task<int?> RunSocketAsync()
    {
        using var socket = new ClientWebSocket();
        var path = _isUser ? _api.UserPath(_id) : _api.GroupPath(_id);
        var uri = new Uri(_api.Gateways[Gateway].WebSocket, $"{path}?access_token={Uri.EscapeDataString(_api.Token)}");
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            connect.CancelAfter(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(uri, connect.Token);
        }
        object subscribe = _isUser
            ? new { action = "subscribe", orgId = _api.OrgId, userId = _id }
            : new { action = "subscribe", orgId = _api.OrgId, groupId = _id };
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(subscribe), WebSocketMessageType.Text, true, _stop.Token);

        int? reconnectAfter = null;
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        while (!_stop.IsCancellationRequested)
        {
            var result = await socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                lock (_gate) CloseCodes.Add((int?)result.CloseStatus);
                return reconnectAfter;
            }
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage) continue;
            var frame = JsonNode.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length))!.AsObject();
            message.SetLength(0);
            if ((string?)frame["type"] == "error")
            {
                lock (_gate) Errors.Add(frame);
                reconnectAfter = (int?)frame["reconnectAfterMs"];
                continue;
            }
            Apply(frame);
        }
        return reconnectAfter;
    }

    private void Apply(JsonObject frame)
    {
        var type = (string?)frame["type"];
        var data = frame["data"];
        if (data is null || frame["seq"] is null) return;
        var seq = (long)frame["seq"]!;
        var snapshot = (bool?)frame["snapshot"] == true;
        var changedAt = DateTimeOffset.Parse((string)frame["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _arrivals.Add((DateTimeOffset.UtcNow, changedAt));
            switch (type)
            {
                case "presence_update":
                    _view = new TopicView(seq, TopicView.UserFingerprint(data));
                    if (!snapshot && (string?)data["statusMessage"] is { } text)
                    {
                        _liveMessages.Add(text);
                        _deliveries?.Delivered(text);
                    }
                    break;
                case "group_presence_update":
                    _members.Clear();
                    foreach (var (user, status) in TopicView.Members(data)) _members[user] = status;
                    _view = new TopicView(seq, TopicView.GroupFingerprint(_members));
                    break;
                case "member_presence_update":
                    _members[(string)data["userId"]!] = (string)data["status"]!;
                    _view = new TopicView(seq, TopicView.GroupFingerprint(_members));
                    break;
                default:
                    return;
            }
            if (snapshot)
            {
                Snapshots++;
                if (_disconnectedAt is { } since)
                {
                    Reconnects.Add(Stopwatch.GetElapsedTime(since));
                    _disconnectedAt = null;
                }
            }
            else
            {
                LiveUpdates++;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
