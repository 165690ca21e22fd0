using System.Diagnostics;
using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Systems;

/// <summary>
/// What both peers share: the publish/subscribe protocol (POST /pub/{channel} broadcasts the body to every WebSocket on
/// /sub/{channel}), frames shaped like the gateway's member_presence_update, and no tenant to provision.
/// </summary>
public abstract class PubSubPeerSystem : ISystemUnderTest
{
    protected HttpClient Http { get; } = BenchEnvironment.NewHttpClient();
    private readonly PeerFrames _frames = new();

    /// <summary>The peer's loopback port, chosen in <see cref="StartAsync"/>.</summary>
    protected int Port { get; set; }

    public abstract string Name { get; }
    public abstract int[] ServerPids { get; }
    public abstract int[] SocketPids { get; }

    public abstract Task StartAsync();

    public Task ProvisionAsync(TenantPlan plan) => Task.CompletedTask;

    public SubscriberProcessSpec Subscriber(string groupId, int index, int count, int firstId, bool stall, int capacity) =>
        new($"ws://127.0.0.1:{Port}/sub/{groupId}", null, WaitForSnapshot: false, count, firstId, firstId, stall, capacity);

    public async Task<WriteResult> WriteAsync(string groupId, int user, byte status)
    {
        var (frame, seq) = _frames.Next(groupId, user, status);
        var sent = Stopwatch.GetTimestamp();
        using var response = await Http.PostAsync($"http://127.0.0.1:{Port}/pub/{groupId}", new ByteArrayContent(frame));
        await response.Content.LoadIntoBufferAsync();
        return new WriteResult(sent, Stopwatch.GetTimestamp(), response.IsSuccessStatusCode, seq);
    }

    public virtual ValueTask DisposeAsync()
    {
        Http.Dispose();
        return ValueTask.CompletedTask;
    }
}
