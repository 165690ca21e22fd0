using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Scenarios;

/// <summary>
/// A supervisor's screen: one group socket whose frames are applied as a client would (snapshot replaces, member
/// update patches), so its final view can be compared with the REST truth.
/// </summary>
public sealed class SupervisorView(string groupId)
{
    private readonly Dictionary<string, string> _members = new(StringComparer.Ordinal);
    private ClientWebSocket? _socket;
    private Task? _reader;

    public string GroupId { get; } = groupId;
    public bool Closed { get; private set; }
    public int Frames { get; private set; }

    public async Task ConnectAsync(LoopbackSockets sockets, string url, string orgId, CancellationToken cancellation)
    {
        _socket = await sockets.OpenAsync(new Uri(url), cancellation);
        var subscribe = JsonSerializer.SerializeToUtf8Bytes(new { action = "subscribe", orgId, groupId = GroupId });
        await _socket.SendAsync(subscribe, WebSocketMessageType.Text, true, cancellation);
        _reader = ReadAsync();
    }

    public bool HasSnapshot { get { lock (_members) return _members.Count > 0; } }

    /// <summary>True when every member's status equals the REST group document's.</summary>
    public bool Matches(JsonElement restGroup)
    {
        lock (_members)
        {
            var members = restGroup.GetProperty("data").GetProperty("members");
            if (members.GetArrayLength() != _members.Count) return false;
            foreach (var m in members.EnumerateArray())
            {
                if (!_members.TryGetValue(m.GetProperty("userId").GetString()!, out var status) || status != m.GetProperty("status").GetString()) return false;
            }
            return true;
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket!.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                Apply(message.GetBuffer().AsSpan(0, (int)message.Length));
                message.SetLength(0);
            }
        }
        catch (Exception)
        {
            // closed by the server or aborted by us
        }
        Closed = true;
    }

    private void Apply(ReadOnlySpan<byte> frame)
    {
        using var doc = JsonDocument.Parse(frame.ToArray());
        var root = doc.RootElement;
        var type = root.GetProperty("type").GetString();
        lock (_members)
        {
            Frames++;
            if (type == "group_presence_update")
            {
                _members.Clear();
                foreach (var m in root.GetProperty("data").GetProperty("members").EnumerateArray())
                {
                    _members[m.GetProperty("userId").GetString()!] = m.GetProperty("status").GetString()!;
                }
            }
            else if (type == "member_presence_update")
            {
                var data = root.GetProperty("data");
                _members[data.GetProperty("userId").GetString()!] = data.GetProperty("status").GetString()!;
            }
        }
    }

    public async Task DisposeAsync()
    {
        _socket?.Abort();
        if (_reader is not null) await _reader.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket?.Dispose();
    }

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
