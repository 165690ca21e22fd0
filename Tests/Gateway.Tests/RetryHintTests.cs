using System.Text.Json.Nodes;
using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Protocol;
using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// Error frames of retryable closes carry a jittered retryAfterMs within the documented bounds (4008: 30-60 s,
/// 1012: 0-ReconnectJitter, also as reconnectAfterMs, 1013: 1-5 s); terminal closes carry none.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RetryHintTests(GatewayHost host)
{
    [Fact]
    public async Task ConnectionLimit4008_CarriesAJitteredRetryAfterBetween30And60Seconds()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var token = GatewayHost.Token(tenant.OrgId, "crowd");
        var open = new List<PresenceSocket>();
        for (var i = 0; i < 25; i++) open.Add(await host.ConnectAsync(tenant.UserPath("u1"), token));
        await open[^1].SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await open[^1].ReceiveAsync())["type"]);

        var hints = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            await using var refused = await host.ConnectAsync(tenant.UserPath("u1"), token);
            var error = await refused.ExpectErrorAndCloseAsync(4008, "CONNECTION_LIMIT_EXCEEDED");
            hints.Add((int)error["retryAfterMs"]!);
            Assert.Null(error["reconnectAfterMs"]);
        }
        foreach (var socket in open) await socket.DisposeAsync();

        Assert.All(hints, h => Assert.InRange(h, 30_000, 60_000));
        Assert.True(hints.Distinct().Count() > 1, $"jittered, not all the same: {string.Join(", ", hints)}");
    }

    [Fact]
    public async Task Drain1012_CarriesRetryAfterAndTheSameReconnectAfter_WithinTheJitter_AndJittered()
    {
        var gateway = await host.StartSecondGatewayAsync("--Gateway:DrainDelay=00:00:00", "--Gateway:ReconnectJitter=00:00:05");
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);
        var sockets = new List<PresenceSocket>();
        for (var i = 0; i < 6; i++)
        {
            var socket = await gateway.ConnectAsync(tenant.UserPath("u1"), GatewayHost.Token(tenant.OrgId, $"watcher-{i}"));
            await socket.SubscribeUserAsync(tenant.OrgId, "u1");
            await socket.ReceiveAsync();
            sockets.Add(socket);
        }

        await gateway.Get<GatewayDrain>().StoppingAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var hints = new List<int>();
        foreach (var socket in sockets)
        {
            var error = await socket.ExpectErrorAndCloseAsync(1012, "SERVICE_RESTART");
            var retry = (int)error["retryAfterMs"]!;
            Assert.Equal(retry, (int)error["reconnectAfterMs"]!);
            hints.Add(retry);
            await socket.DisposeAsync();
        }
        Assert.All(hints, h => Assert.InRange(h, 0, 5_000));
        Assert.True(hints.Distinct().Count() > 1, $"jittered, not all the same: {string.Join(", ", hints)}");
    }

    [Fact]
    public async Task SlowConsumer1013_CarriesARetryAfterBetween1And5Seconds()
    {
        var hints = new List<int>();
        for (var n = 0; n < 3; n++)
        {
            var socket = new GatedWebSocket();
            var services = host.Get<ConnectionServices>();
            var source = new CountingSource();
            var connection = new PresenceConnection($"hint-{n}", services);
            var running = new SocketPump(socket, connection, services).RunAsync(_ => Task.CompletedTask, CancellationToken.None);
            var lane = connection.Outbox.OpenLane(services.Options.SendQueueCapacity);
            connection.Send(lane, OutboundFrame.State("{}"u8.ToArray(), source));
            await Poll.UntilAsync(() => socket.Sent.Count == 1, TimeSpan.FromSeconds(10), "the first send to block");
            for (var i = 1; i <= services.Options.SendQueueCapacity * 3; i++) connection.Send(lane, OutboundFrame.State("{}"u8.ToArray(), source));
            socket.Release();
            await running.WaitAsync(TimeSpan.FromSeconds(20));

            var error = socket.Sent.Select(s => JsonNode.Parse(s)!.AsObject()).Single(m => (string?)m["type"] == "error");
            Assert.Equal(1013, (int)error["code"]!);
            Assert.Null(error["reconnectAfterMs"]);
            hints.Add((int)error["retryAfterMs"]!);
        }
        Assert.All(hints, h => Assert.InRange(h, 1_000, 5_000));
    }

    [Fact]
    public async Task TerminalCloses_CarryNoRetryAfter()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1, withGroup: false);

        await using (var anonymous = await host.ConnectAnonymousAsync(tenant.UserPath("u1")))
        {
            var error = await anonymous.ExpectErrorAndCloseAsync(4003, "UNAUTHORIZED");
            Assert.Null(error["retryAfterMs"]);
            Assert.Null(error["reconnectAfterMs"]);
        }
        await using (var unknown = await host.ConnectAsync(tenant.UserPath("nobody")))
        {
            await unknown.SubscribeUserAsync(tenant.OrgId, "nobody");
            var error = await unknown.ExpectErrorAndCloseAsync(4002, "INVALID_USER_ID");
            Assert.Null(error["retryAfterMs"]);
        }
        await using (var binary = await host.ConnectAsync(tenant.UserPath("u1")))
        {
            await binary.SendRawAsync([1, 2, 3], System.Net.WebSockets.WebSocketMessageType.Binary);
            var error = await binary.ExpectErrorAndCloseAsync(1003, "UNSUPPORTED_DATA");
            Assert.Null(error["retryAfterMs"]);
        }
    }

    [Fact]
    public void EveryRetryableCode_HasAHint_AndNoTerminalCodeHasOne()
    {
        var options = host.Get<ConnectionServices>().Options;
        PresenceError[] retryable = [PresenceCloseCodes.ServerError, PresenceCloseCodes.ServiceRestart, PresenceCloseCodes.SlowConsumer,
            PresenceCloseCodes.SubscriptionFailed, PresenceCloseCodes.ConnectionLimitExceeded];
        PresenceError[] terminal = [PresenceCloseCodes.InvalidOrgId, PresenceCloseCodes.InvalidUserId, PresenceCloseCodes.Unauthorized,
            PresenceCloseCodes.InvalidGroupId, PresenceCloseCodes.GroupAccessDenied, PresenceCloseCodes.UnsupportedData,
            PresenceCloseCodes.RateLimited, PresenceCloseCodes.MessageTooBig, PresenceCloseCodes.InvalidMessage];
        foreach (var code in retryable) Assert.NotNull(RetryHints.For(code, options));
        foreach (var code in terminal) Assert.Null(RetryHints.For(code, options));
        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(RetryHints.For(PresenceCloseCodes.ServerError, options)!.Value, 1_000, 5_000);
            Assert.InRange(RetryHints.For(PresenceCloseCodes.SubscriptionFailed, options)!.Value, 1_000, 5_000);
        }
    }

    private sealed class CountingSource : ISnapshotSource
    {
        public byte[] CurrentSnapshot() => "{}"u8.ToArray();
    }
}
